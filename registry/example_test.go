package registry_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/kbench/kbench/registry"
	"github.com/kbench/kbench/schema"
	"github.com/twmb/franz-go/pkg/sr"
)

func Example() {
	srv, err := registry.NewServer() // BACKWARD, no auth, a free loopback port
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	cl, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	v1 := `{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}`
	id, version, err := registry.EnsureSchema(ctx, cl, "users-value", schema.Avro, v1)
	fmt.Println(id, version, err)

	// A required field added: old records cannot be read, so BACKWARD refuses it.
	v2 := `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"email","type":"string"}]}`
	_, _, err = registry.EnsureSchema(ctx, cl, "users-value", schema.Avro, v2)
	var re *sr.ResponseError
	fmt.Println(errors.As(err, &re), re.StatusCode, re.ErrorCode)

	// The same schema under another subject keeps its global id.
	id, version, err = registry.EnsureSchema(ctx, cl, "users-key", schema.Avro, v1)
	fmt.Println(id, version, err)
	// Output:
	// 1 1 <nil>
	// true 409 409
	// 1 1 <nil>
}
