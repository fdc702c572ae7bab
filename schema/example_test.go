package schema_test

import (
	"fmt"

	"github.com/kbench/kbench/schema"
)

func ExampleCheck() {
	v1 := `{"type": "record", "name": "User", "fields": [{"name": "id", "type": "long"}]}`
	v2 := `{"type": "record", "name": "User", "fields": [
		{"name": "id", "type": "long"},
		{"name": "email", "type": "string"}]}`
	res, err := schema.Check(schema.Avro, schema.Full, []string{v1}, v2)
	if err != nil {
		panic(err)
	}
	fmt.Println("compatible:", res.Compatible())
	for _, inc := range res.Incompatibilities {
		fmt.Println(inc.Kind, inc.Location, inc.Reader, "<-", inc.Writer)
	}
	// Output:
	// compatible: false
	// READER_FIELD_MISSING_DEFAULT_VALUE /fields/1 2 <- 1
}

func ExampleCheck_protobuf() {
	v1 := "syntax = \"proto3\";\nmessage Order { int32 qty = 1; }\n"
	v2 := "syntax = \"proto3\";\nmessage Order { int64 qty = 1; string note = 2; }\nmessage Refund { string id = 1; }\n"
	for _, mode := range []schema.Mode{schema.Backward, schema.Forward} {
		res, _ := schema.Check(schema.Protobuf, mode, []string{v1}, v2)
		fmt.Println(mode, res.Compatible(), res.Incompatibilities)
	}
	// Output:
	// BACKWARD true []
	// FORWARD false [MESSAGE_REMOVED at #/Refund (reader v1, writer v2): the reader has no message Refund: records written with it cannot be read]
}
