// Package bunstore is the SQL [storage.Store] of ticketkit: one
// implementation on [Bun] for PostgreSQL, SQLite and MySQL/MariaDB, with
// its migrations.
//
// # Usage
//
// The host opens the database with the driver of its choice, wraps it in
// a *bun.DB and hands it to [New]; [Store.Migrate] creates the tables:
//
//	sqldb, err := sql.Open("sqlite", "file:desk.db?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
//	...
//	db := bun.NewDB(sqldb, sqlitedialect.New())
//	st, err := bunstore.New(db, bunstore.Config{})
//	...
//	if err := st.Migrate(ctx); err != nil {
//		...
//	}
//
// Tickets, messages, history lines, outbox entries and number counters
// each have a table. Every ticket field a list filters or sorts on is a column (tenant_id, number,
// status, priority, category, department, assignee, customer_id,
// customer_email, customer_mobile, customer_org, subject, created_at,
// updated_at, version) with an index that starts with tenant_id, then the filter
// column, then created_at and id, the default order and the keyset of
// pagination. Contacts, references, tags, custom fields, actions and the
// customer are JSON (jsonb on PostgreSQL, text on SQLite). Times are
// stored in UTC at microsecond precision. Ticket numbers come from a
// counter table whose row is locked by the upsert of
// [Store.SequenceNext] until the caller's transaction ends, which keeps
// them gap-free.
//
// A ticket's SLA state is JSON too, kept in a narrow table of its own
// (ticket_sla, one row per ticket that has a state) with its wake time
// (SLA.WakeAt(): the next warning, escalation level or breach, a
// pending-until time or an auto-close) in the next_check_at column under
// a partial index that holds only tickets with something ahead, across
// tenants. Reads join it to the ticket. [Store.TicketClaimDue] reads that
// index, so an escalation sweep costs what its due tickets cost however
// many tickets are open; on PostgreSQL it locks the SLA rows it returns
// with FOR UPDATE SKIP LOCKED until the caller's transaction ends, so
// that concurrent sweepers never handle one ticket at once. The sweep
// stores the clocks of a batch of tickets with [Store.TicketSLAUpdate],
// one UPDATE ... FROM (VALUES ...) on PostgreSQL, without rewriting the
// tickets rows and their dozen indexes; the row's revision is
// Ticket.SLAVersion, so a writer that read an older state conflicts.
// [Store.TicketUpdateBatch] writes the tickets an escalation level did
// change the same way.
// [Store.ChangeWriteSLA] sends the same UPDATE, unnest()ed, together with
// the batch's history lines and outbox entries as one statement.
//
// The overdue actions of complaints are found the same way: every
// complaint write keeps, on the complaint's row, the earliest due date of
// its open actions whose "action overdue" notice was not sent for that
// date (next_action_due_at, under a partial index) and the marks of those
// sent (action_marks); [Store.ComplaintClaimOverdue] reads that index
// with FOR UPDATE SKIP LOCKED on PostgreSQL, and
// [Store.ComplaintOverdueMark] writes only those two columns.
//
// Every value from the caller, filter text included, is passed to Bun as
// the argument of a ? placeholder, never spliced into SQL by the store;
// Bun then writes it into the statement as a quoted literal (see
// PostgreSQL sessions below). Sort fields are looked up in a whitelist
// and table names come from the validated prefix. The Text filter
// is a literal, case-insensitive substring match over a subject column
// lower-cased in Go, so '%', '_' and '\' match themselves.
//
// # Subject search
//
// TicketList's Text filter reads a gram index of each tenant's subjects
// when the term is rare in the tenant, so that a term no ticket of the
// tenant holds, of any length, costs no scan of the tenant, even when
// other tenants hold it thousands of times (migration
// 20261203000201_ticket_text_grams). The index holds every subject's
// distinct substrings of one, two and three characters, each keyed with
// the tenant; a term of three characters or fewer is one key, a longer
// term its trigrams. The exact match is still decided by strpos or
// instr over the subject lower-cased in Go.
//
// On PostgreSQL the keys are the elements of an IMMUTABLE SQL function,
// <prefix>text_grams(tenant_id, subject_lower), under a GIN index. The
// store reads the planner's statistics of that index (the most common
// keys and their share; cached five minutes; the migration raises the
// index's statistics target to 1000) and narrows the query with @> when
// the term's rarest key is held by fewer than a few thousand tickets;
// otherwise it reads the tenant's tickets in page order and checks each
// subject, which fills a page of a common term sooner. It replaces the
// tenant-less pg_trgm index of 20260601000002 (pg_trgm stays installed).
// Fresh statistics matter: an ANALYZE at 1M tickets takes a minute or
// two (the function runs for each sampled row); autovacuum does it.
// So does the target: a key missing from the most common ones is taken
// as rare, so with fewer of them a common word is narrowed by the index
// and every ticket holding it is fetched and sorted (at 1M tickets,
// 0.1-1 s instead of 2 ms). An index rebuilt from pg_get_indexdef's
// text (a hand-written rebuild, as a bulk loader does) loses the
// target: set it again with ALTER INDEX <prefix>tickets_text_grams_idx
// ALTER COLUMN 1 SET STATISTICS 1000, then ANALYZE <prefix>tickets.
//
// On SQLite a contentless FTS5 table (ascii tokenizer, rowids only)
// indexes the tokens hex(tenant_id) || 'x' || hex(gram) of each ticket,
// computed by the view <prefix>tickets_text_grams and fed by triggers
// on the tickets table. TicketList first counts the matches of the
// term's tokens, stopping at a few thousand, and narrows a rarer term to
// the rowids found. The FTS5 trigram table of 20260601000002 stays for
// the complaint journal. SQLite's VACUUM keeps the rowids of an indexed
// table; should the gram table ever drift, INSERT INTO
// <prefix>tickets_grams_fts(<prefix>tickets_grams_fts) VALUES
// ('delete-all') followed by INSERT INTO <prefix>tickets_grams_fts(rowid,
// grams) SELECT rid, grams FROM <prefix>tickets_text_grams refills it.
//
// On MySQL and MariaDB a table, <prefix>ticket_text_grams (tenant_id,
// gram, ticket_id), all three its primary key, holds for each position
// of a subject the substring of three characters starting there (fewer
// at the end), kept by triggers on the tickets table in the writing
// transaction and filled for existing tickets by migration
// 20261203000901. A term of three characters or fewer is the start of
// a gram (a range of the key), a longer term holds its trigrams.
// TicketList counts each gram's rows of the tenant in one statement,
// each count stopping at a few thousand, and narrows a rarer term to the
// rarest gram's tickets that also hold the others; a common term reads
// the tenant's tickets in page order with LIKE. Subjects are indexed on
// their first 1,000 characters (MySQL 8's default recursion depth; the
// Desk accepts 200).
//
// # Full-text search
//
// TicketFilter.Query (SearchParams.Query) finds the tickets holding
// every word of the query in their subject, description or messages
// (not internal notes for customers' searches; see [Store.TicketFullText]).
// Each word is looked up in full-text indexes of migration
// 20261203000801_full_text, one branch per text, each bounded by the
// tenant, and the ticket must be among the matches of every word:
//
//   - PostgreSQL: GIN indexes of to_tsvector('simple', subject || ' ' ||
//     description) and to_tsvector('simple', body), read with
//     plainto_tsquery('simple', word). The 'simple' configuration folds
//     case and neither stems nor drops stop words; its parser keeps an
//     e-mail address, a URL or a host name as one word, so "example"
//     does not find "ann@example.com" there (it does on the other
//     stores).
//   - SQLite: FTS5 tables tickets_words_fts and messages_words_fts
//     (tokenizer unicode61, diacritics kept) with the tables as external
//     content, kept in step by triggers; each word is matched as a
//     quoted FTS5 string and the rows are joined back by rowid.
//   - MySQL/MariaDB: InnoDB FULLTEXT indexes on tickets (subject_lower),
//     tickets (description) and messages (body), read with MATCH ...
//     AGAINST ('+word' IN BOOLEAN MODE) from a derived table that is
//     materialized once. The migration switches description and body
//     to utf8mb4_unicode_ci, because a FULLTEXT index compares by its
//     column's collation and the binary one is case-sensitive; so on
//     MySQL "cafe" also finds "café". InnoDB indexes no word shorter
//     than innodb_ft_min_token_size (3 by default) and none of its stop
//     words ("the", "about", "with", ...): the store leaves those words
//     out of a query, and a query of only such words finds nothing.
//     A server with other settings (a smaller innodb_ft_min_token_size,
//     no stop words) indexes more words but the store still drops them.
//
// No character of a query is syntax on any database: words are runs of
// letters and digits (storage.QueryWords), bound as parameters. With
// TicketFilter.QueryPrefix the last word is asked as a prefix: 'word:*'
// in to_tsquery, "word"* in FTS5, word* in BOOLEAN MODE; each of them
// reads the same index.
//
// # Complaint journal
//
// The complaints table keeps copies of the values of its ticket the
// journal filters on (status, priority, customer ID, lower-cased subject,
// reason), each with an index in page order, so that a filter on them
// reads no ticket. Triggers keep them equal to the ticket row in the
// transaction that writes it, whatever writes it: the store's single and
// batch updates, the escalation sweep, a host's own transaction or SQL;
// a write of a copy itself is overwritten with the ticket's value. A
// load that disables triggers (pg_restore --disable-triggers,
// session_replication_role = replica) must refill them as the migration
// complaint_ticket_copy does.
//
// # PostgreSQL sessions
//
// Bun does not send values as bind parameters: it writes them into the
// statement's text, a string as a '...' literal with its quotes doubled
// and bytes as a '\x...' literal. That text means what Bun meant only
// when standard_conforming_strings is on, PostgreSQL's default since 9.1.
// With it off, a backslash escapes the quote after it, so a value such as
// x\') OR (1=1) -- ends its literal and rewrites the query. A store on
// PostgreSQL therefore refuses to run on a session where the setting is
// not on: [Store.Migrate], [Store.RunInTx] and every method that runs a
// statement return an error wrapping [ErrUnsafeSession] before they send
// any statement but the check.
//
// What is checked, and when:
//
//   - [Store.Migrate] checks before it migrates, [Store.RunInTx] before
//     it begins a transaction or sets a savepoint.
//   - The first statement of a store made by [New] is preceded by
//     SELECT current_setting('standard_conforming_strings') on the
//     connection that statement uses: one of the pool's for a *bun.DB,
//     the host's transaction or connection for a bun.Tx or bun.Conn. The
//     store remembers a success, and [Store.RunInTx]'s transactions share
//     it; a failure is not remembered, the next statement checks again.
//   - After a success nothing is checked again. A setting of the server,
//     of the database or role (ALTER DATABASE ... SET, ALTER ROLE ...
//     SET) or in the DSN's options holds on every session, so the first
//     check catches it. A SET standard_conforming_strings = off that a
//     host runs on one session of its pool afterwards is not caught: a
//     host must not run it on pooled sessions. (Checking every
//     transaction would cost a round trip each; Bun offers no way to
//     send the check with a statement the store runs anyway.)
//   - A store made by New over a host's bun.Tx checks that transaction's
//     session, once, at its first statement. A handle from
//     [Store.WithTx] shares its store's check, as RunInTx's
//     transactions do: once the store's check succeeded, the host's
//     transactions are not checked again.
//
// SQLite has no such setting, and nothing is checked.
//
// # Host transactions
//
// A host that commits ticket changes together with its own rows, or
// rolls both back, runs the Desk's use cases in its own bun.Tx with their
// ...Tx variants (ticketkit.Desk.OpenTx and its siblings, as River's
// InsertTx), on one Desk and one store built over the *bun.DB.
// [Store.WithTx] binds the store to the host's transaction:
//
//	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
//		if _, err := tx.NewInsert().Model(&order).Exec(ctx); err != nil {
//			return err
//		}
//		_, err := desk.OpenTx(ctx, store.WithTx(tx), clerk, params)
//		return err
//	})
//
// The handle WithTx returns shares the store's table prefix and session
// check and runs every method in tx. Its [Store.RunInTx] nests: it sets a
// SAVEPOINT, releases it when fn succeeds and rolls back to it when fn
// fails, so the host's transaction stays usable and decides the outcome;
// a Desk use case runs in such a savepoint, and one that fails leaves
// the host's transaction as it was. (bun.Tx.RunInTx also uses a
// savepoint, but in Bun v1.3.0 it hands fn the context the host's
// transaction began with; the store manages its savepoint itself so
// that fn gets the caller's context.) On PostgreSQL a failing statement
// outside RunInTx aborts the host's whole transaction, as any failing
// statement does. A ...Tx use case that loses a version race fails with
// ticketkit.ErrConflict rather than run again inside the host's
// transaction: retry the transaction.
//
// Nothing is announced from inside the host's transaction: a ...Tx
// method delivers no notification inline, even with Config.Notifier set,
// and writes the outbox entries unclaimed. A ticketkit.Dispatcher over
// the store delivers them once the host commits; a host rollback leaves
// none.
//
// Host code that is handed a storage.Tx (a complaint's remedy handler
// gets the posting's as ticket.RemedyRequest.Tx) writes its own rows in
// that transaction through [TxDB], which returns the transaction's
// bun.IDB.
//
// [New] also takes the host's bun.Tx directly, for a store, and a Desk,
// that live only as long as that transaction; such a store reports
// [Store.InHostTx] (storage.HostTxStore), so a Desk over it delivers
// nothing inline either, and a Dispatcher or an escalation worker refuse
// it. A store over a bun.IDB of the host's own (a wrapper for tracing)
// counts as inside the host's transaction too, since it cannot tell:
// hand a *bun.DB (with query hooks for tracing) or a bun.Conn to keep
// inline delivery. WithTx spares the host building a store and a Desk
// for every transaction.
//
// [Store.Migrate] needs a *bun.DB; over a bun.Tx or bun.Conn, run
// [Migrations] with the host's migrator.
//
// # Writes in one statement, and Bun's query hooks
//
// On PostgreSQL the store writes the rows of one change in one statement
// with its values as bind parameters ([Store.ChangeWrite], the
// storage.ChangeWriter capability): Desk.Open sends the number draw,
// ticket, SLA state, first message, history line and notification as
// one data-modifying CTE, without BEGIN and COMMIT, and every use case
// writes its history lines and notifications together. Reply, AddNote,
// Transition, Assign and Update of an existing ticket send its
// version-checked UPDATE, SLA state, message, history lines and
// notifications the same way ([Store.ChangeUpdate], the
// storage.ChangeUpdater capability), after reading the ticket with its
// watchers in one SELECT with bind parameters ([Store.TicketGetWatched],
// the storage.WatchedTicketGetter capability). The escalation
// sweep claims due tickets with one SELECT with bind parameters
// ([Store.TicketClaimDue]) and stores SLA states, history lines and
// notifications with one statement over unnest()ed arrays
// ([Store.ChangeWriteSLA]; [Store.TicketSLAUpdate] updates stored SLA
// states with one UPDATE over bound arrays too). These
// statements go through database/sql under the host's bun.IDB, not
// through Bun (which inlines every value into the SQL text), so Bun's
// query hooks (bunotel, logging) do not see them. Set
// [Config.ThroughBunOnly] to send every statement through Bun instead, at
// the cost of a round trip per row. SQLite and MySQL/MariaDB always go
// through Bun, one statement per kind of row.
//
// # Migrations
//
// The SQL lives in migrations/pg and migrations/sqlite, embedded in the
// package, with the same file names (version_name.up.sql and .down.sql)
// in both. [Store.Migrate] runs them with bun/migrate: it creates
// bun/migrate's tables, takes its lock (waiting while another process
// holds it, up to [MigrationLockTimeout]), applies what is missing with
// WithMarkAppliedOnSuccess and releases the lock. Two processes starting
// at once both succeed and the migrations run once. Every statement is
// idempotent (IF NOT EXISTS), so a migration interrupted after its DDL
// but before its bookkeeping row can run again.
//
// [Migrations] returns the same migrations as a *migrate.Migrations for a
// host that folds them into its own migrator, next to its own.
//
// # Table prefix
//
// Every table and index name starts with [Config.TablePrefix]
// ("ticketkit_" by default), bun/migrate's own tables included
// (<prefix>migrations and <prefix>migration_locks, see
// [MigrationTables]), so that several stores can share a database.
//
// bun/migrate's Discover runs SQL files verbatim, and its
// WithTemplateData option is a setting of the whole Migrator: a host
// folding our migrations into its own migrator would have to pass our
// template data, and its own SQL files would be rendered as templates
// too. So the SQL files carry a {{.Prefix}} placeholder, and [Migrations]
// renders them with text/template for a given prefix and registers each
// version as a migration whose Up and Down run the rendered statements
// (split at "--bun:split" lines) in a transaction. The migrations are
// self-contained: they need no option on the Migrator that runs them.
// The prefix is validated against [a-z_][a-z0-9_]{0,30}, which keeps it
// safe as part of an identifier and every name under PostgreSQL's 63
// bytes. A migration's name carries the prefix too ("20260601000001_"
// followed by the prefix without its trailing underscore), so that two
// prefixes can share one migrations table.
//
// # Drivers
//
// The package imports no driver; the host chooses one:
//
//   - PostgreSQL: github.com/jackc/pgx/v5/stdlib with
//     github.com/uptrace/bun/dialect/pgdialect. (Bun's pgdriver has no
//     v1.3.0 release.)
//
//   - SQLite: modernc.org/sqlite (pure Go) with
//     github.com/uptrace/bun/dialect/sqlitedialect. SQLite 3.35 or later
//     is needed for RETURNING. Use WAL, a busy timeout and _txlock=immediate,
//     so that write transactions take the write lock at BEGIN and wait
//     for it; an in-memory database needs SetMaxOpenConns(1).
//
//   - MySQL 8 and MariaDB 10.11+ (tested on MariaDB 10.11; MySQL 8 is
//     targeted through the same statements but not tested here):
//     github.com/go-sql-driver/mysql with
//     github.com/uptrace/bun/dialect/mysqldialect. The connection needs
//     parseTime=true (loc=UTC), a utf8mb4 character set, clientFoundRows=true
//     and a strict sql_mode without NO_BACKSLASH_ESCAPES; the store
//     checks all but the first once (see [ErrUnsafeSession]). See "MySQL and MariaDB".
//
// Package bunstore/bunopen opens each with these settings, for hosts
// and examples that have no *bun.DB yet; only what imports it compiles
// the drivers.
//
// Driver errors become the storage sentinels in one place, without
// importing the drivers: errors with SQLState() (pgx) and Code()
// (modernc) are recognised through small interfaces, MySQL's by the
// Number field of the driver's MySQLError (ER_DUP_ENTRY, deadlock and
// lock wait timeout are conflicts). A unique or primary
// key violation, a serialization failure, a deadlock or a busy SQLite
// database wrap [storage.ErrConflict]; no rows wraps
// [storage.ErrNotFound]. The driver's error stays in the chain for
// errors.As.
//
// On SQLite over a *bun.DB, [Store.RunInTx] lets one transaction of the
// store at a time ask for SQLite's write lock, because SQLite's busy
// handler polls and can starve a writer past the busy timeout when many
// goroutines write at once.
//
// # MySQL and MariaDB
//
// The mysql migrations create utf8mb4 tables whose collations are named
// per column, so that nothing depends on the server's defaults: IDs and
// codes (customer_email among them, lower-cased by the store) are
// VARBINARY, compared byte by byte with no trailing-space padding, as in
// Go and PostgreSQL's COLLATE "C"; texts are utf8mb4 with utf8mb4_bin;
// JSON values are LONGTEXT, byte for byte what the store wrote; money is
// DECIMAL(19,4) and times DATETIME(6) in UTC. MySQL has no partial
// indexes: the outbox claim index leads with delivered_at and dead_at,
// which a claim reads as NULL. The init migration creates the current
// schema whole (each DDL statement commits and syncs on its own in MySQL,
// so fewer statements migrate faster); the later versions keep their
// numbers with guarded statements that find their work done.
//
// MySQL has no RETURNING on UPDATE (MariaDB has it on INSERT only) and no
// LIMIT in an IN sub-select, so:
//
//   - [Store.SequenceNext] is one INSERT ... ON DUPLICATE KEY UPDATE
//     value = LAST_INSERT_ID(value + 1), whose insert ID is the new value,
//     holding the counter's row lock until the transaction ends;
//   - [Store.OutboxClaim] selects the due IDs FOR UPDATE SKIP LOCKED
//     (MySQL 8, MariaDB 10.6+), updates them by key and reads them back,
//     in one transaction;
//   - [Store.TicketClaimDue] uses FOR UPDATE SKIP LOCKED without OF
//     (MariaDB has no OF), which also locks the joined ticket rows;
//   - a taken key fails an INSERT with ER_DUP_ENTRY, which leaves a MySQL
//     transaction usable, where PostgreSQL needs ON CONFLICT DO NOTHING.
//
// The database user needs, besides the usual rights on its database,
// TRIGGER (the migrations create triggers; on MySQL 8 with binary
// logging, also SUPER or log_bin_trust_function_creators=1) and CREATE
// TEMPORARY TABLES: the session check counts the rows of an UPDATE of a
// one-row temporary table to learn whether the connection reports
// matched rows (clientFoundRows), which no SQL variable tells.
//
// The Text filter reads a gram table (see "Subject search"): MySQL 8's
// ngram FULLTEXT parser has no MariaDB counterpart, and a FULLTEXT index
// sees a transaction's rows only once it commits. Host transactions use
// SAVEPOINT as on PostgreSQL.
//
// # Retention and partitioning at 100M rows
//
// Delivered outbox entries and inbound mail records are deleted in
// batches by [Store.OutboxPrune] and [Store.InboundPrune] (ticketkit's
// Desk.RunRetention), each batch a DELETE by primary key of the rows an
// index gives, on PostgreSQL FOR UPDATE SKIP LOCKED. Closed tickets are
// claimed by [Store.TicketClaimClosed] from tickets_closed_idx (FOR
// UPDATE SKIP LOCKED on PostgreSQL and MySQL, the write lock on SQLite)
// and deleted with every row about them by [Store.TicketPurge], one
// DELETE per table, in the claiming transaction. Past about 100M
// rows, a host on PostgreSQL partitions the outbox and the history
// (events) instead: recipes/pg_partitioning.sql, in this package's
// directory, range-partitions both by their UUIDv7 IDs, one partition
// per month, so that an old month is detached and dropped in one
// statement and a month's indexes stay small. The stores need nothing
// more: the ID stays the outbox's primary key and the history's unique
// key. TestPartitionRecipe applies it to a migrated schema and runs the
// conformance groups of the outbox and the history on the partitioned
// tables. Run it after Migrate,
// once; later migrations that touch those two tables may need it
// adapted.
//
// [Bun]: https://bun.uptrace.dev
package bunstore
