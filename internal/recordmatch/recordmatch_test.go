package recordmatch

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/scenarios"
)

// TestPipelineToken: the identity written into JSON values reads back.
func TestPipelineToken(t *testing.T) {
	pp := NewWriter(&scenarios.Pipeline{Match: scenarios.Match{JSONPath: []string{"a", "b"}}})
	id := recordid.ID{RunID: 7, Stream: 3, Seq: 99, Intended: 5, Sent: 6, Checksum: 42}
	for _, value := range []string{`{"x":1}`, `{}`, ` { "y" : [1] } `} {
		v := pp.AppendValue(nil, []byte(value), id)
		tok, ok := JSONString(v, []string{"a", "b"})
		if !ok {
			t.Fatalf("%s: no token in %s", value, v)
		}
		got, ok := ParseToken(tok)
		if !ok || got != id {
			t.Fatalf("%s: token %s read back %+v, %v", value, tok, got, ok)
		}
	}
	for _, bad := range []string{"", "kb1.", "kb1.!!", "kb2.AAAA", "kb1.AAAA"} {
		if _, ok := ParseToken([]byte(bad)); ok {
			t.Errorf("token %q accepted", bad)
		}
	}
}

// TestIdentify: output records are tied to their identity, and judged
// intact or not as the pipeline promises.
func TestIdentify(t *testing.T) {
	id := recordid.ID{RunID: 1, Stream: 2, Seq: 3, Intended: 4, Sent: 5}
	key, value := []byte("k"), []byte(`{"n":1}`)
	for _, tc := range []struct {
		name           string
		pl             scenarios.Pipeline
		outKey, outVal []byte // nil: as written
		stripHeaders   bool
		found, intact  bool
	}{
		{name: "header", pl: scenarios.Pipeline{Match: scenarios.Match{Header: true}}, found: true, intact: true},
		{name: "header value changed, not promised", pl: scenarios.Pipeline{Match: scenarios.Match{Header: true}},
			outVal: []byte(`{"n":2}`), found: true, intact: true},
		{name: "header value changed", pl: scenarios.Pipeline{Match: scenarios.Match{Header: true}, SameValue: true},
			outVal: []byte(`{"n":2}`), found: true},
		{name: "header key kept", pl: scenarios.Pipeline{Match: scenarios.Match{Header: true}, SameKey: true},
			found: true, intact: true},
		{name: "header key changed", pl: scenarios.Pipeline{Match: scenarios.Match{Header: true}, SameKey: true},
			outKey: []byte("x"), found: true},
		{name: "header dropped", pl: scenarios.Pipeline{Match: scenarios.Match{Header: true}}, stripHeaders: true},
		{name: "json", pl: scenarios.Pipeline{Match: scenarios.Match{JSONPath: []string{"id"}}}, stripHeaders: true,
			found: true, intact: true},
		{name: "json key changed", pl: scenarios.Pipeline{Match: scenarios.Match{JSONPath: []string{"id"}}, SameKey: true},
			outKey: []byte("x"), found: true},
		{name: "json field dropped", pl: scenarios.Pipeline{Match: scenarios.Match{JSONPath: []string{"id"}}},
			outVal: []byte(`{"n":1}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, r := NewWriter(&tc.pl), NewReader(&tc.pl)
			wid := id
			wid.Checksum = recordid.Checksum(value)
			var buf []byte
			var ks [4]byte
			v, kh := w.Record(key, value, &wid, &buf, &ks)
			rec := &kgo.Record{Key: key, Value: v, Headers: []kgo.RecordHeader{{Key: recordid.HeaderKey, Value: wid.Append(nil)}}}
			if kh != nil {
				rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: KeyChecksumHeader, Value: kh})
			}
			if tc.outKey != nil {
				rec.Key = tc.outKey
			}
			if tc.outVal != nil {
				rec.Value = tc.outVal
			}
			if tc.stripHeaders {
				rec.Headers = nil
			}
			got, sum, ok := r.Identify(rec)
			if ok != tc.found {
				t.Fatalf("found %v, want %v", ok, tc.found)
			}
			if !ok {
				return
			}
			if got.Stream != id.Stream || got.Seq != id.Seq || got.RunID != id.RunID {
				t.Errorf("identity %+v, want %+v", got, id)
			}
			if (sum == got.Checksum) != tc.intact {
				t.Errorf("intact %v, want %v", sum == got.Checksum, tc.intact)
			}
		})
	}
}

// FuzzParseToken: arbitrary strings never panic, and the identity of a
// token that parses survives encoding again.
func FuzzParseToken(f *testing.F) {
	id := recordid.ID{RunID: 9, Stream: 1, Seq: 2}
	f.Add(string(AppendToken(nil, &id)))
	f.Add("kb1.")
	f.Add(`{"a":"kb1.AAAA"}`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseToken([]byte(s))
		if ok {
			again, ok2 := ParseToken(AppendToken(nil, &got))
			if !ok2 || again != got {
				t.Fatalf("token %q parsed to %+v; encoded again it reads %+v, %v", s, got, again, ok2)
			}
		}
		_, _ = JSONString([]byte(s), []string{"a"})
	})
}
