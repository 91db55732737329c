module github.com/ticketkit/ticketkit/complaintdoc/pdf

go 1.26.0

replace github.com/ticketkit/ticketkit => ../../
