package ui_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func decodeStrings(t *testing.T, body string) map[string]string {
	t.Helper()
	var m map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	return m
}
