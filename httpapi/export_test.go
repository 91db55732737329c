package httpapi

// SetAfterIdempotentCommit makes the handlers of this process call f
// after the transaction of a request with an Idempotency-Key committed
// and before its answer is written: the process tests kill the server
// there. Test binaries only.
func SetAfterIdempotentCommit(f func()) { afterIdempotentCommit = f }

// RoutePatterns returns the ServeMux patterns of every route, such as
// "GET /tickets/{id}". Test binaries only.
func RoutePatterns() []string {
	var out []string
	for _, rt := range routes() {
		out = append(out, rt.pattern())
	}
	return out
}
