package ticket

import (
	"errors"
	"fmt"
)

// MaxComplaintLines is the most lines a complaint may have after lines
// are added to it (Desk.ComplaintLineAdd). One call adds at most
// [MaxItems] lines, as many as a complaint may be opened with.
const MaxComplaintLines = 1000

// Errors of the changes to complaint lines.
var (
	// ErrLineDecided: the change would drop the decision on a line: a
	// new product, quantity or unit for a decided line, or removing
	// it, without asking to drop the decision.
	ErrLineDecided = errors.New("ticket: complaint line is decided")
	// ErrLineReturned: the line is linked to a return (RMA) document,
	// and a line with a return is never removed.
	ErrLineReturned = errors.New("ticket: complaint line is linked to a return")
)

// NumberLines gives every line of d without a number (No 0) the next
// one, in order, and raises LineSeq to the highest number given. Lines
// stored before lines had numbers get 1, 2, 3 … by their position,
// which is the number their history lines already named ("line 2
// KET-1"): the Desk numbers the lines of every complaint it reads, and
// its next write of the complaint stores the numbers, so old documents
// need no migration. Where a line without a number is named (history
// lines, [Complaint.LineRemedies]), it is named by position alike.
func (d *ComplaintDetails) NumberLines() {
	for _, l := range d.Lines {
		d.LineSeq = max(d.LineSeq, l.No)
	}
	for i := range d.Lines {
		if d.Lines[i].No == 0 {
			d.LineSeq++
			d.Lines[i].No = d.LineSeq
		}
	}
}

// LineIndex returns the index in d.Lines of the line numbered no, or -1
// when d has none.
func (d *ComplaintDetails) LineIndex(no int) int {
	for i, l := range d.Lines {
		if l.No == no {
			return i
		}
	}
	return -1
}

// ValidateLines checks lines given as input, such as the lines added to
// a complaint, and returns nil or a *[ValidationError] naming each
// problem under prefix by the line's position, such as
// "lines[2].quantity": the struct tags of [ComplaintLine], quantities
// and decisions as [ValidateComplaint] checks them.
func ValidateLines(prefix string, lines []ComplaintLine) error {
	v := &ValidationError{}
	for i := range lines {
		merge(v, Validate(&lines[i]), fmt.Sprintf("%slines[%d].", prefix, i))
	}
	checkLines(v, prefix, lines)
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}

// ValidateLine checks one line, such as a line as corrected, and
// returns nil or a *[ValidationError] naming its fields, such as
// "quantity", as [ValidateLines] checks them.
func ValidateLine(l ComplaintLine) error {
	v := &ValidationError{}
	merge(v, Validate(&l), "")
	checkLine(v, "", l)
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}
