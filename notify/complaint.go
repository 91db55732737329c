package notify

// Kinds of complaint events. The Desk emits them besides the ticket
// kinds a change of a complaint derives (a posting is also a
// KindStatusChanged).
const (
	// KindComplaintDecided: a complaint was decided (Desk.DecideComplaint).
	KindComplaintDecided Kind = "complaint.decided"
	// KindComplaintPosted: a complaint was posted, its remedy carried out.
	KindComplaintPosted Kind = "complaint.posted"
	// KindComplaintReversed: a posted complaint was reversed
	// (Desk.ReverseComplaint).
	KindComplaintReversed Kind = "complaint.reversed"
)

// ComplaintKinds returns the kinds of complaint events.
func ComplaintKinds() []Kind {
	return []Kind{KindComplaintDecided, KindComplaintPosted, KindComplaintReversed}
}
