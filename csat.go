package ticketkit

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Errors of satisfaction surveys (CSAT).
var (
	// ErrRatingsUnsupported: the store does not keep satisfaction
	// ratings (storage.RatingStore); it wraps storage.ErrUnsupported.
	ErrRatingsUnsupported = fmt.Errorf("ticketkit: the store does not keep satisfaction ratings: %w", storage.ErrUnsupported)
	// ErrSurveysOff: Config.SurveyKey is unset, so the Desk neither
	// signs nor accepts survey links.
	ErrSurveysOff = errors.New("ticketkit: satisfaction surveys are off (Config.SurveyKey is unset)")
	// ErrSurveyToken: a survey link's token is malformed, forged (its
	// signature does not match), or for another ticket. The error is
	// also a *ValidationError naming "token".
	ErrSurveyToken = errors.New("ticketkit: invalid survey token")
	// ErrSurveyExpired: a genuine survey link is past its expiry
	// (Config.SurveyTTL). The error is also a *ValidationError naming
	// "token".
	ErrSurveyExpired = errors.New("ticketkit: the survey link has expired")
	// ErrAlreadyRated: the ticket has its rating already; a ticket takes
	// one, so a survey link is single-use. It wraps ErrConflict.
	ErrAlreadyRated = fmt.Errorf("ticketkit: the ticket is rated already: %w", storage.ErrConflict)
	// ErrNotResolved: only a ticket in a status of the resolved or
	// closed category may be rated or surveyed.
	ErrNotResolved = errors.New("ticketkit: the ticket is not resolved")
)

// maxSurveyToken is the longest survey token accepted, in bytes: a
// genuine one is far shorter.
const maxSurveyToken = 2048

// surveyTokenPrefix starts every survey token: its version.
const surveyTokenPrefix = "s1."

// surveyTokenPlaceholder is what Config.SurveyURL holds for the token.
const surveyTokenPlaceholder = "{token}"

// surveySigner signs and checks survey tokens with the host's key; url
// is Config.SurveyURL.
type surveySigner struct {
	key []byte
	ttl time.Duration
	url string
}

// newSurveySigner returns the signer of key, nil when key is empty.
func newSurveySigner(key string, ttl time.Duration, url string) *surveySigner {
	if len(key) == 0 {
		return nil
	}
	return &surveySigner{key: []byte(key), ttl: ttl, url: url}
}

// noticeSurvey queues the survey notification (notify.KindSurveyRequested)
// of t, which entered a resolved or closed status from another, when
// the Desk sends surveys (Config.SurveyKey and SurveyURL) and t has no
// rating yet; complaints get none.
func (d *Desk) noticeSurvey(ctx context.Context, tx storage.Tx, b *batch, before, t *ticket.Ticket) error {
	if d.surveys == nil || d.surveys.url == "" || t.Kind == ticket.KindComplaint || d.resolved(before) || !d.resolved(t) {
		return nil
	}
	if rs, ok := tx.(storage.RatingStore); ok {
		_, err := rs.RatingGet(ctx, storage.RatingGetParams{TenantID: t.TenantID, TicketID: t.ID})
		switch {
		case err == nil:
			return nil // rated already, before a reopening
		case !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("ticketkit: rating of %s: %w", t.Number, err)
		}
	}
	exp := d.now().Add(d.surveys.ttl).Truncate(time.Second)
	tok := d.surveys.sign(surveyClaims{Tenant: t.TenantID, Ticket: t.ID, Expires: exp.Unix()})
	link := strings.ReplaceAll(d.surveys.url, surveyTokenPlaceholder, url.QueryEscape(tok))
	b.notice(notify.KindSurveyRequested, t, func(e *notify.Event) { e.Survey = &notify.SurveyInvite{URL: link, ExpiresAt: exp} })
	return nil
}

// surveyClaims is what a survey token carries.
type surveyClaims struct {
	Tenant  string `json:"t"`
	Ticket  string `json:"k"`
	Expires int64  `json:"e"`
}

// mac returns the HMAC-SHA256 of the token's payload, its domain
// separated from the key's other uses.
func (s *surveySigner) mac(payload string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte("ticketkit survey " + surveyTokenPrefix))
	h.Write([]byte(payload))
	return h.Sum(nil)
}

// sign returns the token of c.
func (s *surveySigner) sign(c surveyClaims) string {
	raw, _ := json.Marshal(c) // strings and an integer: cannot fail
	payload := base64.RawURLEncoding.EncodeToString(raw)
	return surveyTokenPrefix + payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

// tokenError returns the error of a bad token: sentinel and a
// *ValidationError naming "token".
func tokenError(sentinel error, rule, msg string) error {
	return fmt.Errorf("%w: %w", sentinel, ticket.NewValidationError(ticket.FieldError{Field: "token", Rule: rule, Message: msg}))
}

// verify checks token's signature first, then its expiry at now, and
// returns its claims.
func (s *surveySigner) verify(token string, now time.Time) (surveyClaims, error) {
	var c surveyClaims
	if token == "" {
		return c, tokenError(ErrSurveyToken, "required", "is required")
	}
	if len(token) > maxSurveyToken {
		return c, tokenError(ErrSurveyToken, "max", fmt.Sprintf("must be at most %d bytes", maxSurveyToken))
	}
	rest, ok := strings.CutPrefix(token, surveyTokenPrefix)
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 {
		return c, tokenError(ErrSurveyToken, "format", "is not a survey link's token")
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(payload)) {
		return c, tokenError(ErrSurveyToken, "signature", "is not signed by this desk")
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(raw, &c) != nil || c.Tenant == "" || c.Ticket == "" {
		return surveyClaims{}, tokenError(ErrSurveyToken, "format", "is not a survey link's token")
	}
	if !now.Before(time.Unix(c.Expires, 0)) {
		return surveyClaims{}, tokenError(ErrSurveyExpired, "expired", "has expired")
	}
	return c, nil
}

// SurveyLink is a signed, single-use link to a ticket's satisfaction
// survey: the host puts Token in a URL of its portal, whose page calls
// [Desk.Rate] (or the HTTP API's public rating route) with it.
type SurveyLink struct {
	TicketID  string    `json:"ticket_id"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// RateParams is a customer's answer to a survey link.
type RateParams struct {
	// Token is the token of [SurveyLink]; it names the tenant and the
	// ticket.
	Token string `json:"token"`
	// TicketID, when set, must be the ticket of Token: a route that
	// names the ticket cannot be handed a token of another.
	TicketID string `json:"ticket_id,omitempty"`
	// Score is from ticket.MinRatingScore to ticket.MaxRatingScore.
	Score int `json:"score"`
	// Comment is optional, at most ticket.MaxRatingComment bytes.
	Comment string `json:"comment,omitempty"`
}

// RateTicketParams is a customer's rating of their resolved ticket,
// given through the host's portal (the customer logged in).
type RateTicketParams struct {
	TicketID string `json:"ticket_id"`
	Score    int    `json:"score"`
	Comment  string `json:"comment,omitempty"`
}

// SurveyLink signs the survey link of a resolved ticket (a status of
// the resolved or closed category, ErrNotResolved otherwise), valid for
// Config.SurveyTTL. Staff and the system may ask for one; a rated
// ticket gives ErrAlreadyRated. Needs Config.SurveyKey (ErrSurveysOff).
func (d *Desk) SurveyLink(ctx context.Context, actor ticket.Actor, ticketID string) (_ *SurveyLink, err error) {
	ctx, end := d.begin(ctx, "SurveyLink", actor)
	defer func() { end(err) }()
	if d.surveys == nil {
		return nil, ErrSurveysOff
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "send satisfaction surveys"); err != nil {
		return nil, err
	}
	td, err := d.forTenant(ctx, nil, actor.TenantID)
	if err != nil {
		return nil, err
	}
	t, err := td.loadRead(ctx, actor, ticketID)
	if err != nil {
		return nil, err
	}
	if !td.resolved(t) {
		return nil, fmt.Errorf("ticketkit: survey of %s in status %q: %w", t.Number, t.Status, ErrNotResolved)
	}
	if rs, ok := d.store.(storage.RatingStore); ok {
		if _, err := rs.RatingGet(ctx, storage.RatingGetParams{TenantID: t.TenantID, TicketID: t.ID}); err == nil {
			return nil, fmt.Errorf("ticketkit: survey of %s: %w", t.Number, ErrAlreadyRated)
		} else if !errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("ticketkit: rating of %s: %w", t.Number, err)
		}
	}
	exp := d.now().Add(d.surveys.ttl).Truncate(time.Second)
	tok := d.surveys.sign(surveyClaims{Tenant: t.TenantID, Ticket: t.ID, Expires: exp.Unix()})
	return &SurveyLink{TicketID: t.ID, Token: tok, ExpiresAt: exp}, nil
}

// Rate records a customer's answer to a survey link, with no login: the
// token's signature (Config.SurveyKey) vouches for the tenant, the
// ticket and the customer, who becomes the actor of the rating's
// history line (ticket.FieldRating). A ticket takes one rating: a
// second answer, through the same link or another, concurrent or not,
// is ErrAlreadyRated. A malformed, forged or other ticket's token is
// ErrSurveyToken, an expired one ErrSurveyExpired; a bad score or
// comment is a *ValidationError naming it. [Desk.RateTx] runs it in the
// host's transaction.
func (d *Desk) Rate(ctx context.Context, p RateParams) (_ *ticket.Rating, err error) {
	ctx, end := d.begin(ctx, "Rate", ticket.Actor{Role: ticket.RoleCustomer})
	defer func() { end(err) }()
	return d.rateByToken(ctx, nil, p)
}

// RateTx is [Desk.Rate] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) RateTx(ctx context.Context, tx storage.Tx, p RateParams) (_ *ticket.Rating, err error) {
	ctx, end := d.begin(ctx, "RateTx", ticket.Actor{Role: ticket.RoleCustomer})
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.rateByToken(ctx, tx, p)
}

// RateTicket records the rating a customer gives their own resolved
// ticket through the host's portal, as [Desk.Rate] does for a survey
// link: one per ticket (ErrAlreadyRated), only once resolved
// (ErrNotResolved). Only the ticket's customer may rate it; staff get
// ErrForbidden. [Desk.RateTicketTx] runs it in the host's transaction.
func (d *Desk) RateTicket(ctx context.Context, actor ticket.Actor, p RateTicketParams) (_ *ticket.Rating, err error) {
	ctx, end := d.begin(ctx, "RateTicket", actor)
	defer func() { end(err) }()
	return d.rateTicket(ctx, nil, actor, p)
}

// RateTicketTx is [Desk.RateTicket] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) RateTicketTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p RateTicketParams) (_ *ticket.Rating, err error) {
	ctx, end := d.begin(ctx, "RateTicketTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.rateTicket(ctx, tx, actor, p)
}

// Rating returns the rating of a ticket the actor may read, or
// ErrNotFound when it has none. Customers get it without the agent.
func (d *Desk) Rating(ctx context.Context, actor ticket.Actor, ticketID string) (_ *ticket.Rating, err error) {
	ctx, end := d.begin(ctx, "Rating", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	rs, ok := d.store.(storage.RatingStore)
	if !ok {
		return nil, fmt.Errorf("ticketkit: ratings: %T does not implement storage.RatingStore: %w", d.store, ErrRatingsUnsupported)
	}
	if _, err := d.loadRead(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	r, err := rs.RatingGet(ctx, storage.RatingGetParams{TenantID: actor.TenantID, TicketID: ticketID})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: rating of %q: %w", ticketID, err)
	}
	if actor.Role == ticket.RoleCustomer {
		r.AgentID = "" // a staff user ID
	}
	return r, nil
}

// resolved reports whether t is in a status of the resolved or closed
// category of d's catalog.
func (d *Desk) resolved(t *ticket.Ticket) bool {
	s, ok := d.catalog.Status(t.Status)
	return ok && (s.Category == ticket.CategoryResolved || s.Category == ticket.CategoryClosed)
}

// checkRating adds the problems of a score and a comment to v.
func checkRating(v *ticket.ValidationError, score int, comment string) {
	if score < ticket.MinRatingScore || score > ticket.MaxRatingScore {
		v.Add("score", "range", fmt.Sprintf("must be from %d to %d", ticket.MinRatingScore, ticket.MaxRatingScore))
	}
	if len(comment) > ticket.MaxRatingComment {
		v.Add("comment", "max", fmt.Sprintf("must be at most %d bytes", ticket.MaxRatingComment))
	} else if err := ticket.CheckText("comment", comment); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	}
}

// rateByToken is Rate in the host's transaction host, or in the Desk's
// own when host is nil.
func (d *Desk) rateByToken(ctx context.Context, host storage.Tx, p RateParams) (*ticket.Rating, error) {
	if d.surveys == nil {
		return nil, ErrSurveysOff
	}
	v := &ticket.ValidationError{}
	checkRating(v, p.Score, p.Comment)
	claims, err := d.surveys.verify(p.Token, d.now())
	if err == nil && p.TicketID != "" && p.TicketID != claims.Ticket {
		err = tokenError(ErrSurveyToken, "ticket", "is the survey link of another ticket")
	}
	if err != nil {
		if len(v.Fields) == 0 {
			return nil, err
		}
		var tv *ticket.ValidationError
		errors.As(err, &tv) // tokenError's
		sentinel := ErrSurveyToken
		if errors.Is(err, ErrSurveyExpired) {
			sentinel = ErrSurveyExpired
		}
		return nil, fmt.Errorf("%w: %w", sentinel, ticket.NewValidationError(append(tv.Fields, v.Fields...)...))
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	actor := ticket.Actor{TenantID: claims.Tenant, Role: ticket.RoleCustomer}
	return d.rate(ctx, host, actor, claims.Ticket, p.Score, strings.TrimSpace(p.Comment), nil)
}

// rateTicket is RateTicket in the host's transaction host, or in the
// Desk's own when host is nil.
func (d *Desk) rateTicket(ctx context.Context, host storage.Tx, actor ticket.Actor, p RateTicketParams) (*ticket.Rating, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if actor.Role != ticket.RoleCustomer {
		return nil, fmt.Errorf("ticketkit: %s may not rate tickets, only their customers: %w", actor.Role, ErrForbidden)
	}
	v := &ticket.ValidationError{}
	if err := checkKey("ticket_id", p.TicketID); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	} else if p.TicketID == "" {
		v.Add("ticket_id", "required", "is required")
	}
	checkRating(v, p.Score, p.Comment)
	if err := failed(distinct(v)); err != nil {
		return nil, err
	}
	r, err := d.rate(ctx, host, actor, p.TicketID, p.Score, strings.TrimSpace(p.Comment), func(t *ticket.Ticket) bool { return t.Customer.ID == actor.CustomerID })
	if r != nil {
		r.AgentID = "" // a staff user ID
	}
	return r, err
}

// rate stores the rating of ticketID in actor's tenant, with its
// history line, once the ticket is resolved; mayRate, when set, says
// whether the actor may rate the ticket, else the actor becomes its
// customer.
func (d *Desk) rate(ctx context.Context, host storage.Tx, actor ticket.Actor, ticketID string, score int, comment string, mayRate func(*ticket.Ticket) bool) (*ticket.Rating, error) {
	td, err := d.forTenant(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	var out *ticket.Rating
	err = td.relate(ctx, host, actor, func(ctx context.Context, tx storage.Tx, b *batch) error {
		rs, ok := tx.(storage.RatingStore)
		if !ok {
			return fmt.Errorf("ticketkit: ratings: %T does not implement storage.RatingStore: %w", tx, ErrRatingsUnsupported)
		}
		got, err := lockTickets(ctx, tx, actor.TenantID, []string{ticketID})
		if err != nil {
			return err
		}
		t := got[ticketID]
		if t == nil || (mayRate != nil && !mayRate(t)) {
			return fmt.Errorf("ticketkit: ticket %q: %w", ticketID, ErrNotFound)
		}
		noteTicket(ctx, t)
		if mayRate == nil {
			b.actor.CustomerID = t.Customer.ID
			b.actor.ID = cmp.Or(t.Customer.ID, t.Customer.Email, "customer")
		}
		if !td.resolved(t) {
			return fmt.Errorf("ticketkit: rate %s in status %q: %w", t.Number, t.Status, ErrNotResolved)
		}
		now := td.now()
		r := &ticket.Rating{
			TenantID: t.TenantID, TicketID: t.ID, Score: score, Comment: comment, CustomerID: t.Customer.ID,
			AgentID: t.Assignee, Department: t.Department, Category: t.Category, CreatedAt: now,
		}
		if err := rs.RatingAdd(ctx, r); err != nil {
			if errors.Is(err, storage.ErrConflict) {
				return settled{fmt.Errorf("ticketkit: rate %s: %w", t.Number, ErrAlreadyRated)}
			}
			return fmt.Errorf("ticketkit: rate %s: %w", t.Number, err)
		}
		b.at = now
		b.history(t, []ticket.Event{{Field: ticket.FieldRating, New: strconv.Itoa(score)}})
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
