package jsonstr

import (
	"encoding/json"
	"testing"
)

// FuzzAppend: what Append writes is a JSON string that decodes to s (with
// invalid UTF-8 replaced, as encoding/json does).
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote\`, "tab\tnl\ncr\r\b\f\x01", "é ü 日本", "\xff\xfe", "a\u2028b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := Append(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("Append(%q) = %s: not JSON: %v", s, b, err)
		}
		want, _ := json.Marshal(s)
		var w string
		_ = json.Unmarshal(want, &w)
		if got != w {
			t.Fatalf("Append(%q) decodes to %q, encoding/json's to %q", s, got, w)
		}
		if IsPlain(s) && string(b) != `"`+s+`"` {
			t.Fatalf("IsPlain(%q) but Append gives %s", s, b)
		}
	})
}
