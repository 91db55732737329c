package ticket

// FieldAssignment is the history field of automatic assignments
// (ticketkit's Desk.AutoAssign and pools that assign new tickets): New
// is the strategy that picked the assignee, such as "round_robin", or
// "unassigned: <reason>" when nobody could take the ticket. Customers
// never see these lines.
const FieldAssignment = "assignment"
