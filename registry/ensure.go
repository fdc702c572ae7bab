package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/kbench/kbench/schema"
	"github.com/twmb/franz-go/pkg/sr"
)

// SchemaType returns franz-go's sr.SchemaType for a schema format.
func SchemaType(f schema.Format) (sr.SchemaType, error) {
	switch f {
	case schema.Avro:
		return sr.TypeAvro, nil
	case schema.JSON:
		return sr.TypeJSON, nil
	case schema.Protobuf:
		return sr.TypeProtobuf, nil
	}
	return 0, fmt.Errorf("unknown schema format %q (want avro, json or protobuf)", f)
}

// EnsureSchema registers text under subject, unless the subject already
// holds it, and returns the schema's global id (the one records carry in
// the wire format) and its version under the subject. It works against the
// embedded registry and any Confluent-compatible one: when the registry's
// answer to the registration lacks the version (as older Confluent
// versions' does), the version is looked up.
//
// A refusal is explained: an incompatible schema (409) names the subject
// and the registry's reasons, an invalid one (42201) the parse error, and
// 401 the credentials. The *sr.ResponseError stays reachable with
// errors.As.
func EnsureSchema(ctx context.Context, cl *sr.Client, subject string, format schema.Format, text string) (id, version int, err error) {
	t, err := SchemaType(format)
	if err != nil {
		return 0, 0, err
	}
	s := sr.Schema{Schema: text, Type: t}
	var resp struct {
		ID      int `json:"id"`
		Version int `json:"version"`
	}
	path := "/subjects/" + url.PathEscape(subject) + "/versions"
	if err := cl.Do(ctx, http.MethodPost, path, s, &resp); err != nil {
		return 0, 0, explain(subject, t, err)
	}
	if resp.Version > 0 {
		return resp.ID, resp.Version, nil
	}
	found, err := cl.LookupSchema(ctx, subject, s)
	if err != nil {
		return 0, 0, fmt.Errorf("schema registry: registered a %s schema under subject %q (id %d) but could not look up its version: %w", t, subject, resp.ID, err)
	}
	return found.ID, found.Version, nil
}

// explain wraps a registration error with what it means.
func explain(subject string, t sr.SchemaType, err error) error {
	var re *sr.ResponseError
	if !errors.As(err, &re) {
		return fmt.Errorf("schema registry: registering a %s schema under subject %q: %w", t, subject, err)
	}
	switch re.ErrorCode {
	case CodeIncompatibleSchema:
		return fmt.Errorf("schema registry: the %s schema is incompatible with the earlier versions of subject %q under its compatibility level (check the change offline with kbench schema check, or change the level with PUT /config/%s): %w", t, subject, url.PathEscape(subject), err)
	case CodeInvalidSchema:
		return fmt.Errorf("schema registry: the schema is not a valid %s schema: %w", t, err)
	case CodeUnauthorized:
		return fmt.Errorf("schema registry: authentication failed (check the registry user and password): %w", err)
	}
	return fmt.Errorf("schema registry: registering a %s schema under subject %q: %w", t, subject, err)
}
