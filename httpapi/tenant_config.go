package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// A tenant's configuration (ticketkit.TenantConfig) has the entity tag
// "config.<version>" (version 0: the Desk's own, before the tenant saved
// one). PUT /config takes it in If-Match: the version is handed to
// Desk.ConfigureTenant, which checks it as it saves.

// configETag returns the entity tag of a configuration version.
func configETag(version int64) string { return `"config.` + strconv.FormatInt(version, 10) + `"` }

// configIfMatch returns the configuration version If-Match names: 0 and
// false without If-Match or with "*"; a 412 error for tags that name no
// configuration version. The version, 0 included, is checked by
// Desk.ConfigureTenant as part of the save (CheckVersion), so that of
// two PUTs with the same tag one succeeds and the other gets 412.
func configIfMatch(r *http.Request) (int64, bool, error) {
	tags := entityTags(r.Header.Values("If-Match"))
	if len(tags) == 0 || (len(tags) == 1 && tags[0] == "*") {
		return 0, false, nil
	}
	if len(tags) != 1 {
		return 0, false, preconditionFailed()
	}
	digits, ok := strings.CutPrefix(tags[0], `"config.`)
	if ok {
		digits, ok = strings.CutSuffix(digits, `"`)
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if !ok || err != nil || v < 0 || strconv.FormatInt(v, 10) != digits {
		return 0, false, preconditionFailed()
	}
	return v, true, nil
}

// getConfig serves GET /config: the actor's tenant's latest
// configuration.
func (h *handler) getConfig(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	return h.writeConfig(w, r, actor, 0)
}

// getConfigVersion serves GET /config/versions/{version}.
func (h *handler) getConfigVersion(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	raw := r.PathValue("version")
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v < 1 || strconv.FormatInt(v, 10) != raw {
		return ticket.NewValidationError(ticket.FieldError{Field: "version", Rule: "min", Message: "must be a configuration version, from 1"})
	}
	return h.writeConfig(w, r, actor, v)
}

// writeConfig answers one version of the tenant's configuration with its
// entity tag.
func (h *handler) writeConfig(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor, version int64) error {
	c, err := h.desk.TenantConfig(r.Context(), actor, version)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", configETag(c.Version))
	writeJSON(w, http.StatusOK, c)
	return nil
}

// configRequest is the body of PUT /config.
type configRequest struct {
	Config  ticketkit.TenantConfig        `json:"config"`
	Mapping ticketkit.TenantConfigMapping `json:"mapping,omitzero"`
}

// putConfig serves PUT /config: a tenant admin saves a new version of
// the tenant's configuration.
func (h *handler) putConfig(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req configRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	version, conditional, err := configIfMatch(r)
	if err != nil {
		return err
	}
	res, err := h.desk.ConfigureTenant(r.Context(), actor, ticketkit.ConfigureTenantParams{Config: req.Config, Mapping: req.Mapping,
		Version: version, CheckVersion: conditional})
	if err != nil {
		if conditional && errors.Is(err, ticketkit.ErrConflict) {
			return preconditionFailed()
		}
		return err
	}
	w.Header().Set("ETag", configETag(res.Version))
	writeJSON(w, http.StatusOK, res)
	return nil
}
