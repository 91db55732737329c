package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

// requireEntry fails unless got equals want in every field, comparing
// payloads as JSON and times at microsecond precision in UTC.
func requireEntry(t *testing.T, want, got *storage.OutboxEntry) {
	t.Helper()
	require.JSONEq(t, string(want.Payload), string(got.Payload), "payload of %s", want.ID)
	w, g := *want, *got
	w.Payload, g.Payload = nil, nil
	for _, p := range []*time.Time{
		&w.CreatedAt, &g.CreatedAt, &w.NextAttemptAt, &g.NextAttemptAt, &w.LockedUntil, &g.LockedUntil,
		&w.DeliveredAt, &g.DeliveredAt, &w.DeadAt, &g.DeadAt,
	} {
		*p = normTime(*p)
	}
	require.Equal(t, w, g)
	requireUTC(t, "CreatedAt", got.CreatedAt)
	requireUTC(t, "NextAttemptAt", got.NextAttemptAt)
}

// lockFor is how long the suite's claims hold.
const lockFor = 5 * time.Minute

// claim claims up to limit entries claimable at now.
func claim(t *testing.T, st storage.Tx, now time.Time, limit int) []*storage.OutboxEntry {
	t.Helper()
	es, err := st.OutboxClaim(context.Background(), storage.OutboxClaimParams{Now: now, LockFor: lockFor, Limit: limit})
	require.NoError(t, err)
	return es
}

// claimAll claims every entry claimable a day after base.
func claimAll(t *testing.T, st storage.Tx) []*storage.OutboxEntry {
	t.Helper()
	return claim(t, st, at(24*time.Hour), storage.MaxLimit)
}

func (s suite) outbox(t *testing.T) {
	ctx := context.Background()

	t.Run("ClaimTakesEveryTenantDueFirstAndLocks", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantB)
		mustCreate(t, st, a, b)
		entries := []*storage.OutboxEntry{
			newEntry(a, "ticket.opened", 1*time.Minute),
			newEntry(b, "ticket.opened", 2*time.Minute),
			newEntry(a, "ticket.assigned", 3*time.Minute),
			newEntry(b, "ticket.closed", 4*time.Minute),
		}
		entries[1].NextAttemptAt = at(10 * time.Minute) // retried later: due last
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{entries[2], entries[0]}))
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{entries[3], entries[1]}))

		now := at(time.Hour)
		got := claim(t, st, now, 0)
		order := []*storage.OutboxEntry{entries[0], entries[2], entries[3], entries[1]}
		require.Equal(t, entryIDs(order), entryIDs(got))
		for i, want := range order {
			w := *want
			if w.NextAttemptAt.IsZero() {
				w.NextAttemptAt = w.CreatedAt
			}
			w.Attempts++
			w.LockedUntil = now.Add(lockFor)
			requireEntry(t, &w, got[i])
		}
		require.Empty(t, claim(t, st, now.Add(lockFor-time.Second), 0), "locked entries are not claimed again")
		again := claim(t, st, now.Add(lockFor), 0)
		require.Len(t, again, 4, "entries whose lock ran out are claimable")
		require.Equal(t, entries[0].Attempts+2, again[0].Attempts)
	})

	t.Run("ClaimWaitsForNextAttemptAt", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		e := newEntry(tk, "ticket.opened", 0)
		e.NextAttemptAt = at(time.Hour)
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{e}))
		require.Empty(t, claim(t, st, at(time.Hour-time.Microsecond), 0))
		require.Equal(t, []string{e.ID}, entryIDs(claim(t, st, at(time.Hour), 0)))
	})

	t.Run("ClaimRespectsLimit", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		var entries []*storage.OutboxEntry
		for i := range 5 {
			entries = append(entries, newEntry(tk, "ticket.updated", time.Duration(5-i)*time.Minute))
		}
		require.NoError(t, st.OutboxCreate(ctx, entries))
		// entries were made newest first.
		require.Equal(t, entryIDs([]*storage.OutboxEntry{entries[4], entries[3]}), entryIDs(claim(t, st, at(time.Hour), 2)))
		require.Len(t, claim(t, st, at(time.Hour), 0), 3, "the two claimed are locked")
	})

	t.Run("ClaimRejectsMissingNowOrLock", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		_, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{LockFor: time.Minute})
		require.ErrorContains(t, err, "Now")
		_, err = st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: at(0)})
		require.ErrorContains(t, err, "LockFor")
	})

	t.Run("ClaimMakesDeadLettersOfExhaustedEntries", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		entry := func(d time.Duration, attempts int, mod func(*storage.OutboxEntry)) *storage.OutboxEntry {
			e := newEntry(tk, "ticket.updated", d)
			e.Attempts = attempts
			if mod != nil {
				mod(e)
			}
			return e
		}
		failed := entry(1*time.Minute, 3, func(e *storage.OutboxEntry) { e.LastError = "smtp: timeout" })
		died := entry(2*time.Minute, 4, nil) // a delivery that never recorded an outcome
		young := entry(3*time.Minute, 2, nil)
		fresh := entry(4*time.Minute, 0, nil)
		later := entry(5*time.Minute, 3, func(e *storage.OutboxEntry) { e.NextAttemptAt = at(48 * time.Hour) })
		held := entry(6*time.Minute, 3, func(e *storage.OutboxEntry) { e.LockedUntil = at(72 * time.Hour) })
		last := entry(7*time.Minute, 0, nil)
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{failed, died, young, fresh, later, held, last}))

		now := at(time.Hour)
		got, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: now, LockFor: lockFor, Limit: 2, MaxAttempts: 3})
		require.NoError(t, err)
		require.Equal(t, entryIDs([]*storage.OutboxEntry{young, fresh}), entryIDs(got),
			"exhausted entries are passed over and do not count against Limit")
		require.Equal(t, []int{3, 1}, []int{got[0].Attempts, got[1].Attempts})

		dead, err := st.OutboxDeadList(ctx, storage.OutboxDeadListParams{})
		require.NoError(t, err)
		require.ElementsMatch(t, entryIDs([]*storage.OutboxEntry{failed, died}), entryIDs(dead),
			"only due, unclaimed entries are judged")
		for _, d := range dead {
			want := *failed
			if d.ID == died.ID {
				want = *died
			}
			want.NextAttemptAt = want.CreatedAt
			want.DeadAt = now
			want.LastError = storage.ExhaustedError(want.LastError)
			requireEntry(t, &want, d)
		}
		require.Equal(t, storage.OutboxExhausted+"; last error: smtp: timeout", storage.ExhaustedError("smtp: timeout"))

		require.Equal(t, []string{last.ID}, entryIDs(claim(t, st, now, 0)), "MaxAttempts zero sets no limit")
		late := entryIDs(claim(t, st, at(48*time.Hour), 0))
		require.Contains(t, late, later.ID, "a due entry is claimable whatever its attempts with no limit")
		require.NotContains(t, late, held.ID)
		_, err = st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: now, LockFor: lockFor, MaxAttempts: -1})
		require.ErrorContains(t, err, "MaxAttempts")
	})

	t.Run("FailUntriedTakesTheAttemptBack", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		e := newEntry(tk, "ticket.opened", 0)
		e.Attempts = 0
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{e}))
		for range 3 {
			got := claimAll(t, st)
			require.Len(t, got, 1)
			require.Equal(t, 1, got[0].Attempts, "released untried: the claim's attempt was taken back")
			require.NoError(t, st.OutboxFail(ctx, storage.OutboxFailParams{
				ID: e.ID, Error: "stopped", RetryAt: at(0), At: at(time.Minute), Untried: true,
			}))
		}
		require.NoError(t, st.OutboxFail(ctx, storage.OutboxFailParams{
			ID: e.ID, Error: "stopped", RetryAt: at(0), At: at(time.Minute), Untried: true,
		}))
		got := claimAll(t, st)
		require.Len(t, got, 1)
		require.Equal(t, 1, got[0].Attempts, "never below zero")
		require.Equal(t, "stopped", got[0].LastError)
	})

	t.Run("MarkDeliveredEndsClaims", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		var entries []*storage.OutboxEntry
		for i := range 4 {
			entries = append(entries, newEntry(tk, "ticket.updated", time.Duration(i)*time.Minute))
		}
		require.NoError(t, st.OutboxCreate(ctx, entries))
		require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{
			IDs: []string{entries[0].ID, entries[2].ID, "unknown"}, At: at(time.Hour),
		}))
		got := claimAll(t, st)
		require.Equal(t, entryIDs([]*storage.OutboxEntry{entries[1], entries[3]}), entryIDs(got))

		// Delivering a claimed entry releases it for good.
		require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{
			IDs: []string{entries[3].ID}, At: at(2 * time.Hour),
		}))
		require.Equal(t, []string{entries[1].ID}, entryIDs(claim(t, st, at(48*time.Hour), 0)))
	})

	t.Run("FailReleasesUntilRetryAt", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		e := newEntry(tk, "ticket.opened", 0)
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{e}))
		require.Len(t, claim(t, st, at(time.Minute), 0), 1)

		require.NoError(t, st.OutboxFail(ctx, storage.OutboxFailParams{
			ID: e.ID, Error: "smtp: 451 try later", RetryAt: at(3 * time.Minute), At: at(2 * time.Minute),
		}))
		require.Empty(t, claim(t, st, at(3*time.Minute-time.Second), 0), "released, but not due before RetryAt")
		got := claim(t, st, at(3*time.Minute), 0)
		require.Len(t, got, 1)
		require.Equal(t, "smtp: 451 try later", got[0].LastError)
		require.Equal(t, e.Attempts+2, got[0].Attempts)
		require.True(t, got[0].DeadAt.IsZero())
	})

	t.Run("FailDeadMakesADeadLetterAndRetryRevivesIt", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantB)
		mustCreate(t, st, a, b)
		ea, eb, live := newEntry(a, "ticket.opened", 0), newEntry(b, "ticket.opened", time.Second), newEntry(a, "ticket.closed", 2*time.Second)
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{ea, eb, live}))
		for _, e := range []*storage.OutboxEntry{ea, eb} {
			require.NoError(t, st.OutboxFail(ctx, storage.OutboxFailParams{ID: e.ID, Error: "gone", Dead: true, At: at(time.Hour)}))
		}
		require.Equal(t, []string{live.ID}, entryIDs(claimAll(t, st)), "dead letters are never claimed")

		all, err := st.OutboxDeadList(ctx, storage.OutboxDeadListParams{})
		require.NoError(t, err)
		require.ElementsMatch(t, []string{ea.ID, eb.ID}, entryIDs(all))
		require.Equal(t, "gone", all[0].LastError)
		require.Equal(t, normTime(at(time.Hour)), normTime(all[0].DeadAt))
		onlyA, err := st.OutboxDeadList(ctx, storage.OutboxDeadListParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Equal(t, []string{ea.ID}, entryIDs(onlyA))
		page, err := st.OutboxDeadList(ctx, storage.OutboxDeadListParams{Limit: 1})
		require.NoError(t, err)
		require.Len(t, page, 1)
		rest, err := st.OutboxDeadList(ctx, storage.OutboxDeadListParams{After: page[0].ID})
		require.NoError(t, err)
		require.Len(t, rest, 1)
		require.NotEqual(t, page[0].ID, rest[0].ID)

		n, err := st.OutboxRetry(ctx, storage.OutboxRetryParams{IDs: []string{ea.ID, live.ID, "unknown"}, At: at(2 * time.Hour)})
		require.NoError(t, err)
		require.Equal(t, 1, n, "only dead letters are revived")
		require.Empty(t, claim(t, st, at(2*time.Hour-time.Second), 0))
		got := claim(t, st, at(2*time.Hour), 0)
		require.Equal(t, []string{ea.ID}, entryIDs(got))
		require.Equal(t, 1, got[0].Attempts, "attempts start again")
		left, err := st.OutboxDeadList(ctx, storage.OutboxDeadListParams{})
		require.NoError(t, err)
		require.Equal(t, []string{eb.ID}, entryIDs(left))
	})

	t.Run("FailUnknownIDIsNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		err := st.OutboxFail(ctx, storage.OutboxFailParams{ID: "unknown", Error: "x", RetryAt: at(0), At: at(0)})
		require.ErrorIs(t, err, storage.ErrNotFound)
		err = st.OutboxFail(ctx, storage.OutboxFailParams{ID: "unknown", At: at(0)})
		require.ErrorContains(t, err, "RetryAt")
	})

	t.Run("ConcurrentClaimsNeverShareAnEntry", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		const total = 200
		var entries []*storage.OutboxEntry
		for i := range total {
			entries = append(entries, newEntry(tk, "ticket.updated", time.Duration(i)*time.Millisecond))
		}
		require.NoError(t, st.OutboxCreate(ctx, entries))

		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				for {
					got, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: at(time.Hour), LockFor: time.Hour, Limit: 7})
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					if len(got) > 7 {
						errs <- fmt.Errorf("a claim of at most 7 returned %d entries", len(got))
						return
					}
					mu.Lock()
					for _, e := range got {
						seen[e.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Len(t, seen, total, "every entry claimed")
		for id, n := range seen {
			require.Equal(t, 1, n, "entry %s claimed %d times", id, n)
		}
	})

	// Claimers race with MaxAttempts while some deliveries record a
	// failure and others die without an outcome: every entry is claimed
	// exactly MaxAttempts times, with attempts 1..MaxAttempts, and then
	// becomes a dead letter; none is claimed once more, none is lost.
	t.Run("ConcurrentClaimsStopAtMaxAttempts", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		const total, maxAttempts = 60, 3
		var entries []*storage.OutboxEntry
		for i := range total {
			e := newEntry(tk, "ticket.updated", time.Duration(i)*time.Millisecond)
			e.Attempts = 0
			entries = append(entries, e)
		}
		require.NoError(t, st.OutboxCreate(ctx, entries))

		var mu sync.Mutex
		var clock int64 // each claim runs two claims' locks later than the last
		seen := map[string][]int{}
		round := func() (int, error) {
			mu.Lock()
			clock++
			now := at(time.Duration(clock) * 2 * lockFor)
			mu.Unlock()
			got, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: now, LockFor: lockFor, Limit: 7, MaxAttempts: maxAttempts})
			if err != nil {
				return 0, err
			}
			for _, e := range got {
				mu.Lock()
				seen[e.ID] = append(seen[e.ID], e.Attempts)
				mu.Unlock()
				if e.Attempts%2 == 0 {
					continue // the delivery died: no outcome
				}
				err := st.OutboxFail(ctx, storage.OutboxFailParams{ID: e.ID, Error: "smtp: 451", RetryAt: now, At: now})
				if err != nil {
					return 0, err
				}
			}
			return len(got), nil
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				for {
					n, err := round()
					if err != nil {
						errs <- err
						return
					}
					if n == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		for { // what the racers' last claims still held
			n, err := round()
			require.NoError(t, err)
			if n == 0 {
				break
			}
		}
		require.Len(t, seen, total, "every entry claimed")
		for id, attempts := range seen {
			slices.Sort(attempts)
			require.Equal(t, []int{1, 2, 3}, attempts, "entry %s", id)
		}
		dead, err := st.OutboxDeadList(ctx, storage.OutboxDeadListParams{Limit: storage.MaxLimit})
		require.NoError(t, err)
		require.Len(t, dead, total, "every entry ended a dead letter")
		for _, d := range dead {
			require.Equal(t, maxAttempts, d.Attempts)
		}
	})

	t.Run("ReturnedEntryIsACopy", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		e := newEntry(tk, "ticket.opened", 0)
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{e}))
		e.Payload[0] = 'X'
		e.Kind = "changed"

		got := claimAll(t, st)
		require.Len(t, got, 1)
		require.Equal(t, "ticket.opened", got[0].Kind)
		require.NoError(t, st.OutboxFail(ctx, storage.OutboxFailParams{ID: got[0].ID, Error: "x", RetryAt: at(0), At: at(0)}))
		got[0].Payload[0] = 'X'
		got[0].Kind = "changed"
		again := claimAll(t, st)
		require.Len(t, again, 1)
		require.Equal(t, "ticket.opened", again[0].Kind)
		require.True(t, json.Valid(again[0].Payload), "stored payload unchanged")
	})
}
