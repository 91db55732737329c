package ticket

// Kind is what a ticket is: a plain ticket or the ticket of a
// [Complaint]. Stores keep it on the ticket itself, so that one read of
// a ticket tells which it is. A ticket never changes kind: a store
// creates every ticket as KindTicket, whatever its Kind field says, and
// sets KindComplaint when it stores the complaint section of the ticket.
type Kind string

const (
	// KindTicket is a plain ticket. It is the zero value.
	KindTicket Kind = ""
	// KindComplaint is the ticket of a complaint document: it has a
	// complaint section ([ComplaintDetails]).
	KindComplaint Kind = "complaint"
)

// Kinds returns every kind, plain tickets first.
func Kinds() []Kind { return []Kind{KindTicket, KindComplaint} }
