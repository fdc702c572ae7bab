package schemadata

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// jsonReader reads JSON payloads with a reader JSON Schema.
type jsonReader struct {
	root *jsonschema.Schema
}

func newJSONReader(text string) (*jsonReader, error) {
	s, err := compileJSONSchema(text)
	if err != nil {
		return nil, err
	}
	return &jsonReader{root: s}, nil
}

func (j *jsonReader) decode(payload []byte) (*Decoded, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("the payload is not JSON: %v", err)
	}
	res := &Decoded{Value: v}
	var invalid pathList
	if err := j.root.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return nil, fmt.Errorf("validating the record: %v", err)
		}
		validationLeaves(ve, &invalid)
	}
	var unknown pathList
	undeclared(v, []*jsonschema.Schema{j.root}, "", &unknown, 0)
	res.Invalid, res.Unknown = invalid, unknown
	return res, nil
}

// validationLeaves lists the innermost validation failures as
// "path: message" ("(root)" for the document itself).
func validationLeaves(ve *jsonschema.ValidationError, out *pathList) {
	if len(ve.Causes) == 0 {
		msg := ve.Error()
		if _, after, ok := strings.Cut(msg, "': "); ok {
			msg = after
		}
		path := strings.Join(ve.InstanceLocation, ".")
		if path == "" {
			path = "(root)"
		}
		out.add(path + ": " + strings.ReplaceAll(msg, jsonSchemaURL, "schema"))
		return
	}
	for _, c := range ve.Causes {
		validationLeaves(c, out)
	}
}

// sameInstance lists every schema that applies to the same value as
// parts: $ref targets, allOf/anyOf/oneOf members, then/else and dependent
// schemas, each once.
func sameInstance(parts []*jsonschema.Schema) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	var add func(s *jsonschema.Schema)
	add = func(s *jsonschema.Schema) {
		if s == nil || slices.Contains(out, s) {
			return
		}
		out = append(out, s)
		add(s.Ref)
		add(s.RecursiveRef)
		if s.DynamicRef != nil {
			add(s.DynamicRef.Ref)
		}
		for _, l := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf} {
			for _, m := range l {
				add(m)
			}
		}
		add(s.Then)
		add(s.Else)
		for _, d := range s.DependentSchemas {
			add(d)
		}
		for _, d := range s.Dependencies {
			if ds, ok := d.(*jsonschema.Schema); ok {
				add(ds)
			}
		}
	}
	for _, p := range parts {
		add(p)
	}
	return out
}

// undeclared lists the properties of v that the schemas describing its
// objects do not declare (in properties or patternProperties, with
// additionalProperties not a schema). Objects whose schemas declare no
// properties at all are free-form and not reported.
func undeclared(v any, parts []*jsonschema.Schema, path string, out *pathList, depth int) {
	if depth > 512 || len(parts) == 0 {
		return
	}
	parts = sameInstance(parts)
	switch t := v.(type) {
	case map[string]any:
		describes, open := false, false
		for _, p := range parts {
			if len(p.Properties)+len(p.PatternProperties) > 0 {
				describes = true
			}
			if _, ok := p.AdditionalProperties.(*jsonschema.Schema); ok {
				open = true
			}
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var child []*jsonschema.Schema
			declared := false
			for _, p := range parts {
				if s, ok := p.Properties[k]; ok {
					child, declared = append(child, s), true
				}
				for re, s := range p.PatternProperties {
					if re.MatchString(k) {
						child, declared = append(child, s), true
					}
				}
			}
			if !declared {
				for _, p := range parts {
					if s, ok := p.AdditionalProperties.(*jsonschema.Schema); ok {
						child = append(child, s)
					}
				}
			}
			p := joinPath(path, k)
			if describes && !declared && !open {
				out.add(p)
				continue
			}
			undeclared(t[k], child, p, out, depth+1)
		}
	case []any:
		for i, item := range t {
			var child []*jsonschema.Schema
			for _, p := range parts {
				child = append(child, itemSchemas(p, i)...)
			}
			undeclared(item, child, path, out, depth+1)
		}
	}
}

// itemSchemas returns the schemas of item i of an array under p.
func itemSchemas(p *jsonschema.Schema, i int) []*jsonschema.Schema {
	if i < len(p.PrefixItems) {
		return []*jsonschema.Schema{p.PrefixItems[i]}
	}
	switch it := p.Items.(type) {
	case *jsonschema.Schema:
		return []*jsonschema.Schema{it}
	case []*jsonschema.Schema:
		if i < len(it) {
			return []*jsonschema.Schema{it[i]}
		}
		if s, ok := p.AdditionalItems.(*jsonschema.Schema); ok {
			return []*jsonschema.Schema{s}
		}
		return nil
	}
	if p.Items2020 != nil {
		return []*jsonschema.Schema{p.Items2020}
	}
	return nil
}
