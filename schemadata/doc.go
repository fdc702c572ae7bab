// Package schemadata generates records that conform to a user's Avro,
// Protobuf or JSON Schema schema, frames them in the Schema Registry wire
// format, and decodes them on the consumer side with the consumer's own
// (reader) schema, reporting what the reader loses.
//
// A Generator appends one encoded value per call (Avro binary, Protobuf
// binary or JSON text) straight into the caller's buffer. Values follow the
// schema's types and constraints; Options.Hints pick realistic content for
// chosen fields (e-mail addresses, names, bounded integers...). The same
// Seed and Stream give the same values: no wall clock is read.
//
// AppendHeader and ParseHeader write and read the registry's framing: a
// zero magic byte, the 4-byte big-endian schema id and, for Protobuf, the
// message-index array.
//
// A Decoder reads payloads written with any writer schema using its reader
// schema, with the format's own resolution rules (hamba/avro's schema
// resolution for Avro; field numbers for Protobuf; validation for JSON
// Schema), and reports fields dropped, defaulted or unknown to the reader.
//
// The schema subset each format supports, the hint syntax and the
// generated value ranges are documented in docs/schema-data.md.
package schemadata
