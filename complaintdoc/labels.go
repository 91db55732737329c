package complaintdoc

import (
	"maps"

	"github.com/ticketkit/ticketkit/ticket"
)

// fr is shorthand for a caption with an English text and a French
// translation.
func fr(en, french string) ticket.Label {
	return ticket.Label{Text: en, Translations: map[string]string{"fr": french}}
}

// defaultLabels are the captions of the documents in English and French,
// keyed as [DefaultLabels] describes.
var defaultLabels = map[string]ticket.Label{
	// Titles of the documents.
	"title.complaint":       fr("Complaint", "Réclamation"),
	"title.acknowledgement": fr("Acknowledgement of your complaint", "Accusé de réception de votre réclamation"),
	"title.report_8d":       fr("8D report", "Rapport 8D"),
	"ack.intro": fr("We have received your complaint and registered it under the number below. We will keep you informed of its handling.",
		"Nous avons bien reçu votre réclamation et l'avons enregistrée sous le numéro ci-dessous. Nous vous tiendrons informé de son traitement."),
	"page": fr("Page", "Page"),

	// Section titles.
	"section.general":        fr("General", "Informations générales"),
	"section.customer":       fr("Customer", "Client"),
	"section.contacts":       fr("Contacts", "Contacts"),
	"section.description":    fr("Description", "Description"),
	"section.lines":          fr("Products", "Articles"),
	"section.accounting":     fr("Sales adjustment", "Ajustement commercial"),
	"section.responsibility": fr("Responsibility", "Responsabilité"),
	"section.actions":        fr("Action plan", "Plan d'actions"),
	"section.decision":       fr("Decision", "Décision"),
	"section.reviews":        fr("Reviews", "Revues"),
	"section.review_results": fr("Review results", "Résultats des revues"),
	"section.comments":       fr("Comments", "Commentaires"),
	"section.d1":             fr("D1 Team", "D1 Équipe"),
	"section.d2":             fr("D2 Problem description", "D2 Description du problème"),
	"section.d3_d7":          fr("D3-D7 Actions", "D3-D7 Actions"),
	"section.d4":             fr("D4 Root cause analysis", "D4 Analyse des causes"),
	"section.d8":             fr("D8 Closure", "D8 Clôture"),
	"section.root_cause":     fr("Root cause", "Cause racine"),
	"section.steps":          fr("8D steps", "Étapes 8D"),
	"section.line_decisions": fr("Decisions per line", "Décisions par ligne"),
	"section.reversal":       fr("Reversal", "Extourne"),

	// Field captions.
	"number":            fr("Number", "Numéro"),
	"status":            fr("Status", "Statut"),
	"subject":           fr("Subject", "Objet"),
	"issued_at":         fr("Date of issue", "Date d'émission"),
	"registered_at":     fr("Registered", "Enregistrée le"),
	"category":          fr("Category", "Catégorie"),
	"reason":            fr("Reason", "Motif"),
	"priority":          fr("Priority", "Priorité"),
	"severity":          fr("Severity", "Gravité"),
	"remedy_sought":     fr("Remedy sought", "Solution demandée"),
	"source":            fr("Source document", "Document d'origine"),
	"customer":          fr("Customer", "Client"),
	"customer_id":       fr("Customer ID", "N° client"),
	"email":             fr("Email", "E-mail"),
	"name":              fr("Name", "Nom"),
	"role":              fr("Role", "Rôle"),
	"product":           fr("Product", "Article"),
	"serial":            fr("Serial", "N° de série"),
	"batch":             fr("Batch", "Lot"),
	"quantity":          fr("Quantity", "Quantité"),
	"sales_adjustment":  fr("Sales adjustment required", "Ajustement commercial requis"),
	"company":           fr("Company", "Société"),
	"counterparty":      fr("Counterparty", "Tiers"),
	"contract":          fr("Contract", "Contrat"),
	"amount":            fr("Amount", "Montant"),
	"business_unit":     fr("Business unit", "Unité commerciale"),
	"employee":          fr("Employee in charge", "Responsable"),
	"salesperson":       fr("Salesperson", "Commercial"),
	"action":            fr("Action", "Action"),
	"owner":             fr("Owner", "Responsable"),
	"due_at":            fr("Due", "Échéance"),
	"done":              fr("Done", "Fait"),
	"result":            fr("Result", "Résultat"),
	"justified":         fr("Justified", "Fondée"),
	"remedy":            fr("Remedy", "Solution"),
	"feedback":          fr("Feedback to the customer", "Réponse au client"),
	"notes":             fr("Notes", "Notes"),
	"by":                fr("By", "Par"),
	"at":                fr("Date", "Date"),
	"outcome":           fr("Outcome", "Résultat"),
	"findings":          fr("Findings", "Constats"),
	"text":              fr("Text", "Texte"),
	"remedy_document":   fr("Remedy document", "Document de régularisation"),
	"end_date":          fr("End date", "Date de fin"),
	"posted_at":         fr("Posted", "Comptabilisée le"),
	"cause":             fr("Cause code", "Code cause"),
	"defect":            fr("Defect code", "Code défaut"),
	"action_type":       fr("Type", "Type"),
	"effectiveness":     fr("Effectiveness", "Efficacité"),
	"step":              fr("Step", "Étape"),
	"line_no":           fr("No.", "N°"),
	"line":              fr("Line", "Ligne"),
	"remedies":          fr("Remedies", "Solutions"),
	"return":            fr("Return", "Retour"),
	"reversed_at":       fr("Reversed", "Extournée le"),
	"reversed_by":       fr("Reversed by", "Extournée par"),
	"reversal_document": fr("Reversing entry", "Pièce d'extourne"),
	"reversal_reason":   fr("Reason for the reversal", "Motif de l'extourne"),
	"yes":               fr("Yes", "Oui"),
	"no":                fr("No", "Non"),

	// Values of the complaint's enums.
	"remedy.credit_note":         fr("Credit note", "Avoir"),
	"remedy.refund":              fr("Refund", "Remboursement"),
	"remedy.replacement":         fr("Replacement", "Remplacement"),
	"remedy.repair":              fr("Repair", "Réparation"),
	"remedy.rejection":           fr("Rejection", "Rejet"),
	"severity.low":               fr("Low", "Faible"),
	"severity.medium":            fr("Medium", "Moyenne"),
	"severity.high":              fr("High", "Élevée"),
	"severity.critical":          fr("Critical", "Critique"),
	"outcome.approved":           fr("Approved", "Approuvé"),
	"outcome.changes_requested":  fr("Changes requested", "Modifications demandées"),
	"document.credit_note":       fr("Credit note", "Avoir"),
	"document.refund":            fr("Refund", "Remboursement"),
	"document.return":            fr("Return", "Retour"),
	"document.replacement_order": fr("Replacement order", "Commande de remplacement"),
	"document.repair_order":      fr("Repair order", "Ordre de réparation"),
	"role.customer":              fr("Customer", "Client"),
	"role.agent":                 fr("Agent", "Agent"),
	"role.supervisor":            fr("Supervisor", "Superviseur"),
	"role.system":                fr("System", "Système"),
	"reference.invoice":          fr("Invoice", "Facture"),
	"reference.order":            fr("Order", "Commande"),
	"reference.transaction":      fr("Transaction", "Transaction"),
	"reference.product":          fr("Product", "Article"),
	"reference.serial":           fr("Serial number", "Numéro de série"),
	"reference.contract":         fr("Contract", "Contrat"),
	"reference.account":          fr("Account", "Compte"),
	"reference.job":              fr("Job", "Ordre de travail"),
	"reference.return":           fr("Return", "Retour"),
	"action_type.containment":    fr("Containment", "Confinement"),
	"action_type.corrective":     fr("Corrective", "Corrective"),
	"action_type.preventive":     fr("Preventive", "Préventive"),
	"effective.yes":              fr("Effective", "Efficace"),
	"effective.no":               fr("Not effective", "Non efficace"),
	"step.D1":                    fr("D1 Team", "D1 Équipe"),
	"step.D2":                    fr("D2 Problem", "D2 Problème"),
	"step.D3":                    fr("D3 Containment", "D3 Confinement"),
	"step.D4":                    fr("D4 Root cause", "D4 Cause racine"),
	"step.D5":                    fr("D5 Corrective actions", "D5 Actions correctives"),
	"step.D6":                    fr("D6 Implementation", "D6 Mise en œuvre"),
	"step.D7":                    fr("D7 Prevention", "D7 Prévention"),
	"step.D8":                    fr("D8 Closure", "D8 Clôture"),
}

// DefaultLabels returns the captions the documents are printed with, in
// English with French translations, keyed by:
//   - "title.<kind>" for the document titles, "ack.intro" for the
//     acknowledgement's text and "page" for the page footer;
//   - "section.<key>" for section titles (the keys of [Section.Key]);
//   - the field keys of [Field.Key] (such as "customer" or "amount")
//     and "yes" and "no";
//   - "remedy.<kind>", "severity.<level>", "outcome.<outcome>",
//     "document.<kind>", "role.<role>", "reference.<kind>",
//     "action_type.<type>", "effective.yes|no" and "step.<D1-D8>" for
//     the values of the complaint's enums.
//
// A host changes or translates a caption through Config.Labels. Labels
// of statuses, priorities, categories and reasons come from the catalog.
func DefaultLabels() map[string]ticket.Label {
	out := make(map[string]ticket.Label, len(defaultLabels))
	for k, l := range defaultLabels {
		l.Translations = maps.Clone(l.Translations)
		out[k] = l
	}
	return out
}
