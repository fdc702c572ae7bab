package scenarios

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/kbench/kbench/schema"
)

// SchemaFormat returns the schema language of a data set with a schema:
// Avro, Protobuf, or JSON Schema for format json.
func (d *Data) SchemaFormat() schema.Format {
	switch d.Format {
	case FormatAvro:
		return schema.Avro
	case FormatProtobuf:
		return schema.Protobuf
	}
	return schema.JSON
}

// KeysOnly returns, for a data set with a schema, the data set the record
// keys come from: its key settings, with empty values (the values come from
// the schema). Other data sets are returned as they are.
func (d *Data) KeysOnly() *Data {
	if d.Schema == nil {
		return d
	}
	k := *d
	k.Format, k.Schema, k.Fields, k.Hints, k.Message = FormatBytes, nil, nil, nil, ""
	k.Size = SizeDist{Kind: SizeFixed, Fixed: 0}
	return &k
}

// HasSchemas reports whether some data set has a schema, so that the run
// needs a schema registry.
func (s *Scenario) HasSchemas() bool {
	for _, d := range s.Data {
		if d != nil && d.Schema != nil {
			return true
		}
	}
	return false
}

// schemaData checks a data set whose values follow a schema.
func (c *checker) schemaData(d *Data, p string) {
	c.needs()
	switch d.Format {
	case FormatAvro, FormatProtobuf, FormatJSON:
	default:
		c.add(p+".schema", "use format: avro, protobuf or json with a schema", "format %q takes no schema", string(d.Format))
		return
	}
	if d.Schema == nil || strings.TrimSpace(d.Schema.Text) == "" {
		ext := map[Format]string{FormatAvro: "user.avsc", FormatProtobuf: "user.proto"}[d.Format]
		c.add(p+".schema", fmt.Sprintf("add `schema: %s` (a file next to the scenario) or the schema itself", ext),
			"format %s needs a schema", d.Format)
		return
	}
	if len(d.Fields) > 0 {
		c.add(p+".fields", "a data set with a schema takes its fields from the schema; choose generators with hints:",
			"fields do not apply to a data set with a schema")
	}
	if d.Size != (SizeDist{}) {
		c.add(p+".size", "", "size does not apply to a data set with a schema")
	}
	if d.Message != "" && d.Format != FormatProtobuf {
		c.add(p+".message", "", "message applies only to format: protobuf")
	}
	if d.Key.Field != "" {
		c.add(p+".key.field", "choose keys with distribution and cardinality", "key.field does not apply to a data set with a schema")
	}
	c.schemaText(p+".schema", d.SchemaFormat(), d.Schema)
}

// schemaText checks that a schema parses.
func (c *checker) schemaText(p string, f schema.Format, s *Schema) {
	if s == nil || s.Text == "" {
		return
	}
	if err := schema.Validate(f, s.Text); err != nil {
		c.add(p, "check the schema with `kbench schema check` against itself", "%s (%s): %v", s.Source(), f, err)
	}
}

// schemaUse checks the schema settings of producers, consumers and the
// registry.
func (c *checker) schemaUse(s *Scenario) {
	c.needs("producers")
	schemaTopics := map[string]*Data{}
	for i := range s.Producers {
		pr := &s.Producers[i]
		p := indexPath("producers", i)
		d := s.DataByName(pr.Data)
		withSchema := d != nil && d.Schema != nil
		if withSchema {
			schemaTopics[pr.Topic] = d
		}
		if !withSchema && d != nil {
			if pr.Subject != "" {
				c.add(p+".subject", "", "subject applies only to a data set with a schema")
			}
			if pr.SchemaChange != nil {
				c.add(p+".schema_change", "give the data set a schema", "schema_change needs a data set with a schema")
			}
			continue
		}
		if ch := pr.SchemaChange; ch != nil && d != nil {
			if ch.To == nil || ch.To.Text == "" {
				c.add(p+".schema_change.to", "add `to: user-v2.avsc`", "schema_change needs the new schema")
			} else {
				c.schemaText(p+".schema_change.to", d.SchemaFormat(), ch.To)
			}
			if ch.At <= 0 || ch.At >= s.Duration {
				c.add(p+".schema_change.at", "choose a time within the run, e.g. at: 5s", "schema_change.at must be after the start and before the duration (%v) ends", s.Duration)
			}
		}
	}
	for i := range s.Consumers {
		cs := &s.Consumers[i]
		if cs.ReaderSchema == nil {
			continue
		}
		p := indexPath("consumers", i)
		d := schemaTopics[cs.Topic]
		if d == nil {
			c.add(p+".reader_schema", "give the producers of its topic a data set with a schema",
				"reader_schema applies to a topic whose producers write schema data")
			continue
		}
		c.schemaText(p+".reader_schema", d.SchemaFormat(), cs.ReaderSchema)
	}
	if r := s.SchemaRegistry; r != nil {
		if r.URL != "" {
			u, err := url.Parse(r.URL)
			switch {
			case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
				c.add("schema_registry.url", "write e.g. http://localhost:8081", "schema_registry.url is not an http(s) URL")
			case u.User != nil:
				// Not the URL in the message: it holds the credentials.
				c.add("schema_registry.url", `give them as username and password: "${REGISTRY_PASSWORD}"`,
					"schema_registry.url must not hold credentials")
			}
			if r.Compatibility != "" {
				c.add("schema_registry.compatibility", "set the level on your registry; this sets the embedded one's",
					"compatibility applies only to the embedded registry (no url)")
			}
		}
		if r.Compatibility != "" {
			if _, err := schema.ParseMode(r.Compatibility); err != nil {
				c.add("schema_registry.compatibility", "", "%v", err)
			}
		}
		if (r.Username == "") != (r.Password == "") {
			c.add("schema_registry", "give both username and password, or neither", "basic auth needs a username and a password")
		}
	}
}
