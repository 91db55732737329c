package ticket

// FieldMacro is the history field of the line ticketkit's
// Desk.ApplyMacro writes after a macro's steps: New is the macro's ID.
// Customers never see it (they see the reply and the status it made).
const FieldMacro = "macro"
