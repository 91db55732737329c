// Package httpapi serves a ticketkit Desk as a JSON API over net/http, for
// custom frontends: an agent console, a customer portal, another system.
//
// The handler [New] returns uses the standard library's ServeMux and
// nothing else. The host mounts it where it likes and tells it who sends
// each request through Config.Authenticate; the Desk then applies its own
// rules for that actor: tenants never see each other's tickets, customers
// see only their own tickets and never internal notes, and only the roles
// the workflow names may change a status.
//
//	api, err := httpapi.New(httpapi.Config{
//		Desk:         desk,
//		Authenticate: func(r *http.Request) (ticketkit.Actor, error) { return mySession(r) },
//	})
//	mux.Handle("/api/", http.StripPrefix("/api", api))
//
// # Routes
//
//	POST  /tickets                                        open a ticket (201)
//	GET   /tickets                                        search tickets, one page at a time
//	GET   /tickets/{id}                                   read a ticket
//	GET   /tickets/by-number/{number}                     read a ticket by its number, any letter case
//	PATCH /tickets/{id}                                   change fields (staff)
//	GET   /tickets/{id}/transitions                       the status changes the caller may take now
//	POST  /tickets/{id}/transitions                       change the status
//	POST  /tickets/{id}/assignment                        route to a department and/or assignee (staff)
//	POST  /tickets/{id}/auto-assign                       give an unassigned ticket to an agent by its department's pool (staff)
//	GET   /tickets/{id}/messages                          read the thread, oldest first
//	POST  /tickets/{id}/messages                          reply, or add an internal note (201)
//	GET   /tickets/{id}/messages/{mid}/attachments/{aid}  download an attachment
//	GET   /tickets/{id}/history                           the ticket's change history
//	GET   /reports/sla                                    SLA figures of the tickets a filter selects (staff)
//	POST  /complaints                                     open a complaint document (staff, 201)
//	GET   /complaints                                     the complaint journal, one page at a time
//	GET   /complaints/{id}                                read a complaint
//	PATCH /complaints/{id}                                change its fields (staff)
//	POST  /complaints/{id}/plan                           add or change actions of the action plan (staff)
//	POST  /complaints/{id}/decision                       record the decision (staff)
//	POST  /complaints/{id}/reviews                        record a review, an approval in the actor's role (staff)
//	POST  /complaints/{id}/review-results                 record a review result: text and findings (staff)
//	POST  /complaints/{id}/comments                       add an internal comment (staff)
//	POST  /complaints/{id}/transitions                    move it through the complaint workflow (staff)
//	POST  /complaints/{id}/posting                        post it; the host's remedy handler runs (staff)
//	POST  /complaints/{id}/reversal                       reverse a posted complaint, once; the host's reversal handler runs (staff)
//	POST  /complaints/{id}/root-cause                     set or replace the root cause, catalog codes (staff)
//	POST  /complaints/{id}/steps                          complete an 8D step, in order (staff)
//	POST  /complaints/{id}/actions/{action}/effectiveness record the effectiveness check of a done action (staff)
//	POST  /complaints/{id}/costs                          record an internal cost (staff; customers never see costs)
//	GET   /complaints/{id}/costs                          the internal costs and their totals per currency (staff)
//	DELETE /complaints/{id}/costs/{cost}                  remove a cost entry recorded in error (staff)
//	POST  /complaints/{id}/lines                          add lines after opening, numbered by the desk (staff)
//	PATCH /complaints/{id}/lines/{line}                   correct one line, by its number (staff)
//	DELETE /complaints/{id}/lines/{line}                  remove one line; its number is never given again (staff)
//	POST  /complaints/{id}/lines/{line}/decision          decide one line, by its number from 1 (staff)
//	POST  /complaints/{id}/lines/{line}/return            link one line to the host's return (RMA) document (staff)
//	POST  /complaints/{id}/claims                         raise a supplier or carrier claim, a new complaint (staff, 201)
//	POST  /complaints/{id}/attachments                    attach files to the document, multipart as messages (staff)
//	GET   /complaints/{id}/attachments/{aid}              download one (customers: their own, customer-visible only)
//	DELETE /complaints/{id}/attachments/{aid}             remove one (staff)
//	GET   /reports/complaints                             complaint statistics of a selection (staff)
//	GET   /reports/complaint-costs                        internal costs of a selection, per product, customer, reason (staff)
//	GET   /catalog                                        statuses, priorities, categories... with labels
//	GET   /openapi.yaml                                   the OpenAPI 3.1 document (no authentication)
//
// The OpenAPI document, also returned by [OpenAPI], describes every
// request and response in detail; a test keeps it in step with the
// routes.
//
// # JSON
//
// Requests and responses are JSON objects with snake_case members; times
// are RFC 3339 strings in UTC. Request bodies must be sent as
// application/json, are limited to Config.MaxBodySize and may not hold
// members the route does not know. A ticket is the JSON form of
// ticket.Ticket:
//
//	{"id": "0196...", "number": "TK-2026-000001", "tenant_id": "shop",
//	 "subject": "Blender jar cracked", "description": "...",
//	 "status": "open", "priority": "high", "category": "complaint",
//	 "department": "service", "channel": "in_store",
//	 "customer": {"id": "L-4411", "name": "Ada", "email": "ada@example.com", "mobile": "+33612345678"},
//	 "contacts": [...], "references": [{"kind": "transaction", "id": "POS-88-1203"}],
//	 "assignee": "u7", "tags": [...], "fields": {"serial": "X1"}, "actions": [...],
//	 "reason": "CR01", "closure_reason": "...", "created_by": "clerk-12",
//	 "created_at": "...", "updated_at": "...", "closed_at": "...", "sla": {...},
//	 "version": 3}
//
// Changes answer with the ticket as stored. Every change takes an
// optional "version": when it is set and the ticket has moved on, the
// change fails with 409 and nothing is changed.
//
// A message is {"id", "ticket_id", "kind" (customer, reply, note or
// system), "type", "author_id", "author_role", "author_name" (for
// customers, a staff author's display name instead of author_id),
// "body", "attachments": [{"id", "name", "content_type", "size",
// "sha256"}], "created_at"}.
// POST /tickets/{id}/messages takes {"kind": "reply" or "note", "body",
// "type"} as JSON, or the same fields as multipart/form-data with any
// number of files in the field "attachments", limited together to
// Config.MaxUploadSize and each to the Desk's MaxAttachmentSize.
// POST /tickets also takes multipart/form-data, as a storefront's
// "describe the problem and attach photos" form sends it: the text
// members of the JSON body (subject, description, priority, category,
// department, channel, assignee, reason, tier) as fields of the same
// names, the members that are objects or lists (customer, contacts,
// references, tags, fields) each as one field holding their JSON, such
// as references=[{"kind":"order","id":"SO-1"}], the first message's body
// in "message" and its files in "attachments". The ticket, its first
// message and the files are stored in one transaction, with the limits
// of messages; unknown fields are refused, and a customer is refused the
// staff-only members as in JSON.
// Attachments are downloaded with their Content-Type, as attachments
// (Content-Disposition), with X-Content-Type-Options: nosniff and a
// sandboxing Content-Security-Policy, so that no upload runs in the
// frontend's origin.
//
// Lists are pages: {"tickets": [...], "next_cursor": "..."}, where
// next_cursor is absent on the last page and is passed back as the query
// parameter cursor. GET /tickets filters by status, status_category,
// priority, category, department and assignee (each repeatable or
// comma-separated), created_from and created_to (RFC 3339, [from, to)),
// customer_id, customer_mobile, customer_email, number and q (subject
// text), and orders by sort (created_at, updated_at, priority, status,
// category, number) and desc, with limit rows per page (default 50, at
// most 500). Unknown parameters are refused. Customers always get their
// own tickets only, and may filter them by status, status_category,
// priority, category, created_from, created_to, number and q: the other
// filters would reveal what their view hides (the assignee, the
// department) and are refused with 400, field code "forbidden".
//
// # Complaints
//
// With Config.Complaints set on the Desk, the /complaints routes serve
// the complaint documents (ticket.Complaint): the ticket's members plus
// "complaint" with the date of issue, source document, lines, accounting
// (amounts are exact decimal strings such as "120.50"), responsibility,
// comments, reviews, review results, decision and posting. Each route
// calls the Desk method of the same name (ComplaintOpen, ComplaintGet,
// ComplaintJournal, ComplaintUpdate, ComplaintPlan, ComplaintDecide,
// ComplaintReview, ComplaintReviewResultAdd, ComplaintComment,
// ComplaintTransition, ComplaintPost, ComplaintReport) with the path's id
// and the body's members; the OpenAPI document lists them. Without
// complaints every /complaints route answers 404. Only staff change
// complaints; a customer reads their own, without the severity,
// accounting, responsibility, comments, reviews and the decision's
// internal notes. A change to a posted complaint is answered 409 with
// code complaint_posted.
//
// GET /complaints filters by status, status_category, reason (reason=
// alone selects complaints logged without one), priority, severity,
// customer_id, counterparty, business_unit, employee, salesperson,
// source_kind, source_id, amount_from and amount_to (plain decimals, no
// exponent) with currency, issued_from and issued_to ([from, to)) and q,
// ordered by date of issue (desc for the newest first), with limit and
// cursor as GET /tickets. Customers may not filter by customer_id,
// severity, counterparty, business unit, employee, salesperson, amount
// or currency (400, field code "forbidden").
//
// # Limits
//
// Bad input gets a small answer. A query string is at most
// Config.MaxQuerySize bytes (8 KiB by default), a list filter or body
// list at most 100 items (ticket.MaxItems) unless the field documents its
// own limit, and an error lists at most 20 fields (ticket.MaxFieldErrors)
// with "more" counting the rest, each field name and message cut to 256
// bytes (a name can repeat an unknown member or a custom field key). Text anywhere in a request (paths, query
// values, JSON and form fields) must be UTF-8 without NUL bytes, and
// times must fall between the years 1 and 9999: anything else is a 400
// naming the field (codes utf8, nul, time_range), never a database error.
// Names are single lines (code singleline) and email addresses plain
// addresses such as ada@example.com (code email), so that nothing a
// client sends can break the headers of a mail.
//
// # Rate limits
//
// Config.RateLimit, a [RateLimiter], is asked about every request to a
// route after Authenticate, with the actor it returned, so that limits
// can be kept per actor or tenant; requests without an actor (a refused
// authentication, GET /openapi.yaml) come with the zero Actor, so that
// failed sign-ins can be limited per client address. A refused request
// gets 429 rate_limited with Retry-After, before the Desk is called:
// nothing is read or changed. When the decision names a policy, every
// answer carries the headers of the IETF draft "RateLimit header fields
// for HTTP" (draft-ietf-httpapi-ratelimit-headers-11), such as
//
//	RateLimit-Policy: "actor";q=50;w=5
//	RateLimit: "actor";r=49;t=1
//
// the quota q per window of w seconds, and the r requests left for the
// next t seconds; a refused request's Retry-After takes precedence.
// [NewActorRateLimiter] returns a
// ready limiter: a token bucket per tenant and actor (and per client
// address), bounded to a fixed number of keys.
//
// # Serving
//
// The handler sets no timeouts of its own: the host's http.Server does.
// Without them a client that sends its headers or body one byte a minute
// holds a connection and a goroutine for ever. Use settings like
//
//	srv := &http.Server{
//		Handler:           handler,
//		ReadHeaderTimeout: 10 * time.Second, // slow-header (Slowloris) clients
//		ReadTimeout:       5 * time.Minute,  // the whole request, body included
//		WriteTimeout:      6 * time.Minute,  // from the end of the headers to the end of the answer
//		IdleTimeout:       2 * time.Minute,  // keep-alive connections between requests
//		MaxHeaderBytes:    64 << 10,         // larger headers get 431
//	}
//
// ReadHeaderTimeout is the one never to leave out: it can be short
// because headers are small. ReadTimeout covers the body as well, so it
// must let the slowest client you serve send Config.MaxUploadSize (25
// MiB by default, about 3.5 minutes at 1 Mbit/s): raise it with the
// upload size, or lower MaxUploadSize to keep it short. WriteTimeout
// starts when the headers are read, so it covers reading the body too
// and must be longer than ReadTimeout; it also bounds the time the Desk
// takes and an attachment download. IdleTimeout frees idle keep-alive
// connections. MaxHeaderBytes bounds the memory one request's headers
// take: the default of 1 MiB is generous for an API whose largest
// header is a bearer token. Behind a reverse proxy, set the proxy's
// timeouts and body limits to match.
//
// # Tracing and metrics
//
// The handler routes with [http.ServeMux], which sets the matched
// route's pattern, such as "GET /tickets/{id}", as the request's
// Pattern; unknown paths and methods leave it empty. The handler hands
// every request to its mux as it got it, so a middleware outside it that
// reads the Pattern of the request it passed on, once the handler has
// returned, sees the route: otelhttp.NewHandler (OpenTelemetry's net/http
// instrumentation) then names its span "GET /tickets/{id}" and sets
// http.route on the span and its metrics, instead of a path with ticket
// IDs in it:
//
//	api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: auth})
//	srv := &http.Server{Handler: otelhttp.NewHandler(api, "ticketkit")}
//
// Below a prefix, put the middleware inside [http.StripPrefix], which
// hands a copy of the request down, so that a middleware outside it
// never sees the Pattern set on the copy (only the one of the host's
// own mux, "/api/"):
//
//	mux.Handle("/api/", http.StripPrefix("/api", otelhttp.NewHandler(api, "ticketkit")))
//
// With module otelticketkit as the Desk's Config.Observer, the spans of
// the Desk's use cases (ticketkit.Open, ticketkit.tx …) are children of
// the HTTP request's span.
//
// # Cross-origin requests and cookies
//
// A browser attaches cookies to requests that pages of other sites make
// it send, and an HTML form can POST multipart/form-data, URL-encoded or
// text/plain bodies to any site without asking. So the handler refuses
// unsafe methods (POST, PUT, PATCH, DELETE) that a browser marks as
// cross-origin, with 403 forbidden, before Authenticate runs. It uses
// net/http.CrossOriginProtection: Sec-Fetch-Site must be same-origin or
// none (same-site too with Config.AllowSameSite), or, from browsers that
// do not send it, the Origin header must name the request's own host.
// Origins listed in Config.TrustedOrigins or Config.CORS.AllowedOrigins
// pass. Requests with neither header, from servers, scripts and mobile
// apps, pass: they carry no ambient cookies. GET and HEAD change nothing
// and are never refused for their origin.
//
// A host that authenticates with a session cookie should still set it
// with SameSite=Lax (or Strict), Secure and HttpOnly, ideally under the
// __Host- prefix: SameSite covers browsers too old to send either header,
// Secure keeps it off plain HTTP, HttpOnly keeps it from scripts. A
// frontend on another site that calls the API with cookies needs the
// cookie SameSite=None; Secure and its origin in Config.CORS with
// AllowCredentials; then the origin check above is the only guard, so
// list exactly the origins you serve.
//
// Config.CORS lets named origins call the API from script: a preflight
// (OPTIONS with Access-Control-Request-Method) from an allowed origin is
// answered 204 with the allowed methods, headers and max age; from any
// other origin it is refused with 403 and no CORS headers, and the
// browser blocks the call. Responses to allowed origins carry
// Access-Control-Allow-Origin (and -Credentials when configured) and
// expose Location, Content-Disposition, ETag and Idempotent-Replayed.
// There is no wildcard.
//
// GET /catalog returns the desk's statuses, priorities, categories,
// departments, reason codes and custom fields, each with its label in
// the locale asked for with ?locale= or Accept-Language (falling back from
// fr-CA to fr to the catalog's own text) and the icon and colour to show;
// list_display says whether lists show each set's labels as text, image
// or both.
//
// Tickets carry next to each code its label in the language
// Accept-Language asks for (status_label next to status, and likewise
// for priority, category, department and channel), history lines
// old_label and new_label, and messages type_label, so that no client
// shows a raw code. Complaints carry the same labels, from the complaint
// catalog, and reason_label next to their reason.
//
// # Safe retries
//
// Every answer holding a ticket or complaint carries a strong ETag,
// "<id>.<version>". A change sent with If-Match is made only if the
// resource is still at that tag's version, checked atomically with the
// write (the version is handed to the Desk, or, for changes whose use
// case takes no version such as a message or a comment, checked in the
// change's transaction); otherwise it is answered 412 and nothing
// changes. If-Match: * accepts any version; weak tags never match. With
// Config.RequireIfMatch a PATCH or status change without If-Match is
// answered 428. A GET of a ticket or complaint with If-None-Match naming
// the current tag is answered 304.
//
// Every POST takes an Idempotency-Key (1 to 255 printable ASCII
// characters, quoted or not). The request then runs through the Desk's
// ...Tx variant in one transaction of the store that also claims the
// key and stores the answer (storage.IdempotencyStore): a retry with the
// same key, actor and route gets the first answer again, marked
// Idempotent-Replayed: true, even when the server died between the
// commit and the answer. The same key with another body or path is
// answered 422; a duplicate sent while the first runs waits for it (409
// if the store shows it unfinished). Failed requests are not kept, and
// keys expire after Config.IdempotencyTTL (24 hours by default); the
// host deletes expired keys with IdempotencyPurge. A store without the
// capability answers 501 rather than run the request unguarded. Such a
// change runs in a transaction the Desk does not own, so it is not
// delivered inline: its notifications wait for a Dispatcher, and a lost
// version race is answered 409 instead of being run again.
//
// # Errors
//
// Every error is an RFC 9457 problem document, media type
// application/problem+json ([ProblemContentType]):
//
//	{"type": "https://github.com/ticketkit/ticketkit/blob/main/httpapi/problems.md#validation_failed",
//	 "title": "The request has invalid fields", "status": 400,
//	 "detail": "the request has invalid fields", "code": "validation_failed",
//	 "errors": [{"field": "customer.email", "rule": "email", "message": "must be a valid email address"}]}
//
// "type" is [ProblemTypeBase] followed by the code, the entry of the
// catalogue httpapi/problems.md that explains it; "title" is the same for
// every problem of a type and "detail" tells what went wrong with this
// request. The extension member "code" repeats the code for clients to
// switch on; "errors" lists at most 20 invalid fields, each with the rule
// that failed, and "more", when present, counts the others. A 401 answer
// carries WWW-Authenticate (Config.Challenge); a 429 or 503 answer
// carries Retry-After.
//
// The codes and statuses of the catalogue are:
//
//	400 malformed_request       the JSON, query string or form cannot be parsed
//	400 validation_failed       "errors" names each bad field (also unknown members
//	                            and parameters, rule unknown_field / unknown_parameter)
//	401 unauthenticated         Config.Authenticate returned an error
//	403 forbidden               the actor's role may not do this (a customer changing a status),
//	                            or a browser sent an unsafe request from an untrusted origin
//	404 not_found               no such ticket, complaint, message or attachment, also when
//	                            it is another tenant's or another customer's; or no such
//	                            route (every /complaints route without complaints)
//	405 method_not_allowed      the path exists with other methods (see Allow)
//	409 version_conflict        the ticket changed since the "version" given
//	409 idempotency_key_in_progress  the first request with this Idempotency-Key has not finished
//	409 transition_not_allowed  the workflow has no such move from the current status
//	409 complaint_posted        the complaint is posted and can no longer be changed
//	409 complaint_not_posted    a reversal of a complaint that is not posted
//	409 complaint_reversed      a second reversal: a complaint is reversed once
//	409 step_order              an 8D step cannot be completed yet; "detail" says what is missing
//	409 complaint_route         a ticket route was asked to change a complaint's status or
//	                            its complaint fields: use the /complaints routes
//	409 line_decided            the line change would drop the line's decision (send drop_decision)
//	409 line_returned           a line linked to a return document is never removed
//	409 merge_refused           a merge or split names a complaint, a merged ticket or the
//	                            target among the sources; "errors" names the fields
//	409 ticket_merged           the ticket was merged into another one (see merged_into)
//	409 link_cycle              a parent or duplicate_of link would close a cycle
//	409 open_children           a parent ticket cannot be resolved or closed while a child is open
//	409 stale_reply             the customer wrote after seen_message_id; "unseen" lists the messages
//	412 precondition_failed     If-Match names no current ETag; nothing was changed
//	413 too_large               body, upload or file over its limit
//	415 unsupported_media_type  wrong Content-Type
//	422 idempotency_key_reused  the Idempotency-Key was used for another request
//	428 precondition_required   Config.RequireIfMatch and no If-Match
//	429 rate_limited            Config.RateLimit refused the request; wait Retry-After
//	500 internal                anything else; the cause goes to Config.Logger
//	501 attachments_unsupported the Desk has no blob store
//	501 idempotency_unsupported the store keeps no idempotency keys
//	501 relations_unsupported   the store cannot merge, split or link tickets
//	501 presence_unsupported    the store keeps no presence leases
//	501 watchers_unsupported    the store keeps no watchers or CC addresses
//	409 already_rated           the ticket has its satisfaction rating already
//	409 not_resolved            the ticket is not resolved, so not rated yet
//	501 erasure_unsupported     the store cannot erase customers (storage.CustomerEraser)
package httpapi
