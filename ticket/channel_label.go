package ticket

// channelLabels are the built-in display forms of the channels, in
// English with a French translation.
var channelLabels = map[Channel]Label{
	ChannelInStore: {Text: "In store", Translations: map[string]string{"fr": "En magasin"}},
	ChannelWeb:     {Text: "Web", Translations: map[string]string{"fr": "Web"}},
	ChannelEmail:   {Text: "Email", Translations: map[string]string{"fr": "E-mail"}},
	ChannelPortal:  {Text: "Customer portal", Translations: map[string]string{"fr": "Espace client"}},
	ChannelPhone:   {Text: "Phone", Translations: map[string]string{"fr": "Téléphone"}},
	ChannelAPI:     {Text: "API", Translations: map[string]string{"fr": "API"}},
	ChannelManual:  {Text: "Manual entry", Translations: map[string]string{"fr": "Saisie manuelle"}},
}

// Label returns the channel's display form, in English with a French
// translation: show it with [Label.In] in the reader's locale. An
// unknown channel's label is its code; the empty channel's is empty.
func (c Channel) Label() Label {
	if l, ok := channelLabels[c]; ok {
		l.Translations = map[string]string{"fr": l.Translations["fr"]}
		return l
	}
	return Label{Text: string(c)}
}

// StaffOnly reports whether only staff may say a ticket arrived through
// c: a ticket a customer opens may not claim [ChannelManual].
func (c Channel) StaffOnly() bool { return c == ChannelManual }
