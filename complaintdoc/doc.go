// Package complaintdoc prints complaint documents: the complaint itself,
// the acknowledgement sent to the customer and an 8D-style quality
// report, in English or French (or any language a host adds labels for).
//
// # Documents
//
// [Renderer.Build] turns a [ticket.Complaint] into a [Document]: titled
// sections of captioned fields and tables, all display text, with the
// labels of statuses, priorities, categories and reasons taken from the
// catalog in the requested locale and amounts printed exactly
// ([Amount]). The acknowledgement holds only what a customer may see,
// whatever the complaint holds.
//
// # HTML and PDF
//
// [Renderer.HTML] writes a Document with html/template, from the default
// templates or from the host's (Config.Templates), which may restyle the
// layout or replace a kind's page. The module
// github.com/ticketkit/ticketkit/complaintdoc/pdf writes the same
// Document as PDF; it is a module of its own so that hosts that print no
// PDF download no PDF library.
//
//	r, err := complaintdoc.New(complaintdoc.Config{Catalog: desk.ComplaintCatalog()})
//	doc, err := r.Build(complaintdoc.KindAcknowledgement, c, "fr")
//	err = r.HTML(w, doc)
package complaintdoc
