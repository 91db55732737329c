package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/ticket"
)

// attachmentsView is the part of the complaint JSON the attachment
// routes change.
type attachmentsView struct {
	Details struct {
		Attachments []ticket.ComplaintAttachment `json:"attachments"`
	} `json:"complaint"`
}

// attach posts files to a complaint as multipart/form-data.
func (s *complaintServer) attach(as actorT, path string, fields map[string]string, files ...file) (int, apiError, string) {
	s.t.Helper()
	body, contentType := multipartBody(s.t, fields, files...)
	raw, err := io.ReadAll(body)
	require.NoError(s.t, err)
	return s.call(as, "POST", path, string(raw), contentType)
}

// TestComplaintAttachmentsOverTheWire attaches, downloads and removes
// files of a complaint document through the API on every store: the
// customer downloads only the customer-visible file of their complaint
// and can neither attach nor remove.
func TestComplaintAttachmentsOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			c := s.openComplaint("Broken kettle", "C-ADA", "CR02", "BU1", "20.00")
			id := "/complaints/" + c.ID

			status, _, raw := s.attach(agent, id+"/attachments", map[string]string{"type": "photo", "customer_visible": "true"},
				file{name: "damage.jpg", contentType: "image/jpeg", content: []byte("JPEGDATA")})
			require.Equal(t, http.StatusOK, status, raw)
			status, _, raw = s.attach(agent, id+"/attachments", map[string]string{"type": "lab_report"},
				file{name: "lab.txt", contentType: "text/plain", content: []byte("internal finding")})
			require.Equal(t, http.StatusOK, status, raw)
			var v attachmentsView
			require.NoError(t, json.Unmarshal([]byte(raw), &v))
			require.Len(t, v.Details.Attachments, 2)
			photo, lab := v.Details.Attachments[0], v.Details.Attachments[1]
			require.True(t, photo.CustomerVisible)
			require.False(t, lab.CustomerVisible)

			status, _, raw = s.call(agent, "GET", id+"/attachments/"+lab.ID, "", "")
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, "internal finding", raw)
			status, _, raw = s.call(ada, "GET", id+"/attachments/"+photo.ID, "", "")
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, "JPEGDATA", raw)
			status, e, raw := s.call(ada, "GET", id+"/attachments/"+lab.ID, "", "")
			require.Equal(t, http.StatusNotFound, status, raw)
			require.NotContains(t, raw, "internal finding")
			require.Equal(t, "not_found", e.Code)

			status, _, raw = s.attach(ada, id+"/attachments", nil, file{name: "x.txt", contentType: "text/plain", content: []byte("x")})
			require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, raw)
			status, _, raw = s.call(ada, "DELETE", id+"/attachments/"+photo.ID, "", "")
			require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, raw)

			status, _, raw = s.call(agent, "DELETE", id+"/attachments/"+lab.ID, "", "")
			require.Equal(t, http.StatusOK, status, raw)
			require.NoError(t, json.Unmarshal([]byte(raw), &v))
			require.Len(t, v.Details.Attachments, 1)
			status, _, raw = s.call(agent, "GET", id+"/attachments/"+lab.ID, "", "")
			require.Equal(t, http.StatusNotFound, status, raw)
		})
	}
}

// TestComplaintAttachmentsHostileInputOverTheWire: malformed uploads
// and paths are 400/404/415, never 500.
func TestComplaintAttachmentsHostileInputOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newComplaintServer(t, store)
			id := "/complaints/" + s.openComplaint("Kettle", "C-ADA", "CR01", "BU1", "10.00").ID
			one := file{name: "a.txt", contentType: "text/plain", content: []byte("a")}
			for _, tc := range []struct {
				name   string
				path   string
				fields map[string]string
				files  []file
				status int
				field  string
			}{
				{"NoFiles", id + "/attachments", map[string]string{"type": "photo"}, nil, 400, ""},
				{"UnknownField", id + "/attachments", map[string]string{"by": "boss"}, []file{one}, 400, "by"},
				{"BadVisible", id + "/attachments", map[string]string{"customer_visible": "maybe"}, []file{one}, 400, "customer_visible"},
				{"BadType", id + "/attachments", map[string]string{"type": "\x00"}, []file{one}, 400, ""},
				{"PathNUL", "/complaints/%00/attachments", nil, []file{one}, 400, "id"},
				{"UnknownComplaint", "/complaints/nope/attachments", nil, []file{one}, 404, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					status, e, raw := s.attach(agent, tc.path, tc.fields, tc.files...)
					require.Equal(t, tc.status, status, raw)
					if tc.field != "" {
						require.Contains(t, e.fieldNames(), tc.field, raw)
					}
				})
			}
			status, e, raw := s.call(agent, "POST", id+"/attachments", `{"type":"photo"}`, "")
			require.Equal(t, http.StatusUnsupportedMediaType, status, raw)
			require.Equal(t, "unsupported_media_type", e.Code)
			for _, p := range []string{id + "/attachments/%00", id + "/attachments/%FF", "/complaints/%00/attachments/a"} {
				status, _, raw := s.call(agent, "GET", p, "", "")
				require.Equal(t, http.StatusBadRequest, status, p+" "+raw)
				status, _, raw = s.call(agent, "DELETE", p, "", "")
				require.Equal(t, http.StatusBadRequest, status, p+" "+raw)
			}
		})
	}
}
