package schemadata_test

import (
	"fmt"
	"log"

	"github.com/kbench/kbench/schema"
	"github.com/kbench/kbench/schemadata"
)

func ExampleNewGenerator() {
	const userSchema = `{
	  "type": "object",
	  "required": ["id", "email", "age"],
	  "additionalProperties": false,
	  "properties": {
	    "id": {"type": "string", "format": "uuid"},
	    "email": {"type": "string", "format": "email"},
	    "age": {"type": "integer", "minimum": 18, "maximum": 99},
	    "plan": {"enum": ["free", "pro"]}
	  }
	}`
	g, err := schemadata.NewGenerator(schema.JSON, userSchema, schemadata.Options{
		Seed:  1,
		Hints: map[string]string{"email": "email"},
	})
	if err != nil {
		log.Fatal(err)
	}
	var buf []byte
	for range 2 {
		if buf, err = g.AppendValue(buf[:0]); err != nil {
			log.Fatal(err)
		}
		fmt.Println(string(buf))
	}
	// Output:
	// {"id":"f415e9e9-518c-44a4-9aaf-f6cdbe800d5b","email":"muriel.farrell@hawkins.net","age":51,"plan":"pro"}
	// {"id":"ce0d73d1-57cf-43af-98d7-a65cda93d1d7","email":"rocky.padilla@byrd.net","age":41}
}

func ExampleAppendHeader() {
	// An Avro record of schema 1337: magic byte, id, then the value.
	rec := schemadata.AppendHeader(nil, 1337, nil)
	rec = append(rec, 0x08, 'f', 'o', 'o', 'o') // the Avro string "fooo"
	fmt.Printf("% x\n", rec)

	// A Protobuf record of the second message of its file.
	fmt.Printf("% x\n", schemadata.AppendHeader(nil, 7, []int{1}))

	id, indexes, payload, err := schemadata.ParseHeader(rec, schema.Avro)
	fmt.Println(id, indexes, payload, err)
	// Output:
	// 00 00 00 05 39 08 66 6f 6f 6f
	// 00 00 00 00 07 02 02
	// 1337 [] [8 102 111 111 111] <nil>
}

func ExampleDecoder_Decode() {
	const v1 = `{"type": "record", "name": "User", "fields": [
	  {"name": "id", "type": "long"},
	  {"name": "nickname", "type": "string"}]}`
	const v2 = `{"type": "record", "name": "User", "fields": [
	  {"name": "id", "type": "long"},
	  {"name": "country", "type": "string", "default": "NL"}]}`

	// A producer writes with v1...
	g, err := schemadata.NewGenerator(schema.Avro, v1, schemadata.Options{Hints: map[string]string{"id": "sequence"}})
	if err != nil {
		log.Fatal(err)
	}
	payload, err := g.AppendValue(nil)
	if err != nil {
		log.Fatal(err)
	}
	// ...a consumer reads with v2.
	d, err := schemadata.NewDecoder(schema.Avro, v2, schemadata.DecodeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	res, err := d.Decode(payload, v1, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Value)
	fmt.Println("dropped", res.Dropped, "defaulted", res.Defaulted, "lossless", res.Lossless())
	// Output:
	// map[country:NL id:1]
	// dropped [nickname] defaulted [country] lossless false
}
