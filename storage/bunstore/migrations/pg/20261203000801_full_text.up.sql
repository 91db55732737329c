-- Full-text indexes for TicketFilter.Query (issue 16 item 4): GIN
-- indexes of to_tsvector('simple', ...) (no stemming, no stop words,
-- lower-cased) over each ticket's subject and description and over
-- each message's body. TicketList looks up each query word in both and
-- keeps the tenant's tickets; customers' searches leave internal notes
-- out by the messages' kind. {{.Prefix}} is the table prefix.
CREATE INDEX IF NOT EXISTS {{.Prefix}}tickets_words_fts_idx ON {{.Prefix}}tickets
    USING gin (to_tsvector('simple'::regconfig, subject || ' ' || description));

--bun:split

CREATE INDEX IF NOT EXISTS {{.Prefix}}messages_words_fts_idx ON {{.Prefix}}messages
    USING gin (to_tsvector('simple'::regconfig, body));
