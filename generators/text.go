package generators

import (
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/brianvoe/gofakeit/v7/data"
)

// textTables are gofakeit's word lists, prepared once for the fast text
// kinds: already escaped for the inside of a JSON string (so appending is
// a plain copy), lower-cased or de-spaced where a kind needs it. They are
// read-only after load.
type textTables struct {
	first, last           []string
	firstLower, lastLower []string
	city, country         []string
	company               []string
	streetName            []string
	streetPrefix          []string
	streetSuffix          []string
	domainSuffix          []string
	bsSlug, jobSlug       []string // lower case, no spaces
	words                 []string // single lower-case words
	adjectives, animals   []string // capitalised, no spaces
}

var (
	tablesOnce sync.Once
	tables     *textTables
)

// loadTables returns the shared text tables, building them on first use.
func loadTables() *textTables {
	tablesOnce.Do(func() { tables = buildTables() })
	return tables
}

func buildTables() *textTables {
	get := func(group, sub string) []string {
		l := data.Data[group][sub]
		if len(l) == 0 {
			// gofakeit's data is fixed at build time; keep the
			// generator usable even if a list disappears upstream.
			return []string{sub}
		}
		return l
	}
	t := &textTables{
		first:        escapeAll(get("person", "first"), nil),
		last:         escapeAll(get("person", "last"), nil),
		firstLower:   escapeAll(get("person", "first"), slugify),
		lastLower:    escapeAll(get("person", "last"), slugify),
		city:         escapeAll(get("address", "city"), nil),
		country:      escapeAll(get("address", "country"), nil),
		company:      escapeAll(get("company", "name"), nil),
		streetName:   escapeAll(get("address", "street_name"), nil),
		streetPrefix: escapeAll(get("address", "street_prefix"), nil),
		streetSuffix: escapeAll(get("address", "street_suffix"), nil),
		domainSuffix: escapeAll(get("internet", "domain_suffix"), nil),
		bsSlug:       escapeAll(get("company", "bs"), slugify),
		jobSlug:      escapeAll(get("job", "descriptor"), slugify),
		adjectives:   escapeAll(get("word", "adjective_descriptive"), capitalize),
		animals:      escapeAll(get("animal", "animal"), capitalize),
	}
	// Words: every single word of gofakeit's English word lists, once each,
	// in a fixed order (the lists live in a map).
	seen := map[string]bool{}
	var words []string
	for _, l := range data.Word {
		for _, w := range l {
			for _, f := range strings.Fields(strings.ToLower(w)) {
				if !seen[f] && isPlain(f) {
					seen[f] = true
					words = append(words, f)
				}
			}
		}
	}
	if len(words) == 0 {
		words = []string{"word"}
	}
	sort.Strings(words)
	t.words = words
	return t
}

// escapeAll applies fix (if any) to each string and escapes it for the
// inside of a JSON string. Strings that need nothing are shared, not copied.
func escapeAll(in []string, fix func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if fix != nil {
			s = fix(s)
		}
		if s == "" {
			continue
		}
		if !isPlain(s) {
			s = string(appendStringContent(nil, s))
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		out = append(out, "x")
	}
	return out
}

// slugify lower-cases s and drops everything but letters, digits and '-'
// (for e-mail local parts, domains and URL paths).
func slugify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// capitalize upper-cases the first letter of each word and removes spaces
// ("lazy dog" -> "LazyDog"), for user names.
func capitalize(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\'':
			up = true
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if up && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			up = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pick returns a uniformly chosen entry of l.
func pick(r *source, l []string) string { return l[r.UintN(uint64(len(l)))] }

// appendDigits appends a number of exactly n decimal digits (1 <= n <= 18)
// whose first digit is not zero.
func appendDigits(dst []byte, r *source, n int) []byte {
	lo := pow10[n-1]
	return strconv.AppendUint(dst, lo+r.UintN(pow10[n]-lo), 10)
}

var pow10 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// The append* text functions below write the escaped content of a JSON
// string (no quotes); they look like gofakeit's output of the same name but
// build it in place from the shared tables, without allocating.

func appendName(dst []byte, r *source, t *textTables) []byte {
	dst = append(dst, pick(r, t.first)...)
	dst = append(dst, ' ')
	return append(dst, pick(r, t.last)...)
}

func appendEmail(dst []byte, r *source, t *textTables) []byte {
	first, last := pick(r, t.firstLower), pick(r, t.lastLower)
	style := r.UintN(100)
	switch {
	case style < 35:
		dst = append(dst, first...)
		dst = append(dst, last...)
	case style < 65:
		dst = append(dst, first...)
		dst = append(dst, '.')
		dst = append(dst, last...)
	case style < 80:
		dst = append(dst, first[0])
		dst = append(dst, last...)
	case style < 90:
		dst = append(dst, first...)
		dst = append(dst, '_')
		dst = append(dst, last...)
	default:
		dst = append(dst, first...)
		dst = strconv.AppendUint(dst, r.UintN(100), 10)
	}
	dst = append(dst, '@')
	dst = append(dst, pick(r, t.lastLower)...)
	dst = append(dst, '.')
	return append(dst, pick(r, t.domainSuffix)...)
}

func appendUsername(dst []byte, r *source, t *textTables) []byte {
	switch r.UintN(8) {
	case 0:
		dst = append(dst, pick(r, t.first)...)
		dst = strconv.AppendUint(dst, r.UintN(10000), 10)
	case 1:
		dst = append(dst, pick(r, t.last)...)
		dst = strconv.AppendUint(dst, r.UintN(10000), 10)
	case 2:
		dst = append(dst, pick(r, t.firstLower)...)
		dst = append(dst, '.')
		dst = append(dst, pick(r, t.lastLower)...)
	case 3:
		dst = append(dst, pick(r, t.firstLower)...)
		dst = append(dst, '_')
		dst = append(dst, pick(r, t.lastLower)...)
	case 4:
		dst = append(dst, pick(r, t.adjectives)...)
		dst = append(dst, pick(r, t.animals)...)
		dst = strconv.AppendUint(dst, r.UintN(100), 10)
	case 5:
		dst = append(dst, pick(r, t.firstLower)...)
		dst = append(dst, pick(r, t.lastLower)...)
	case 6:
		dst = append(dst, "the"...)
		dst = append(dst, pick(r, t.lastLower)...)
	default:
		dst = append(dst, pick(r, t.words)...)
		dst = append(dst, '_')
		dst = append(dst, pick(r, t.words)...)
	}
	return dst
}

func appendStreet(dst []byte, r *source, t *textTables) []byte {
	dst = appendDigits(dst, r, 3+r.IntN(3))
	dst = append(dst, ' ')
	if r.Uint64()&1 == 0 {
		dst = append(dst, pick(r, t.streetPrefix)...)
		dst = append(dst, ' ')
	}
	dst = append(dst, pick(r, t.streetName)...)
	return append(dst, pick(r, t.streetSuffix)...)
}

func appendIPv4(dst []byte, r *source) []byte {
	x := r.Uint64()
	for i := range 4 {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = strconv.AppendUint(dst, x&0xff, 10)
		x >>= 8
	}
	return dst
}

func appendIPv6(dst []byte, r *source) []byte {
	x, y := r.Uint64(), r.Uint64()
	for i := range 8 {
		if i > 0 {
			dst = append(dst, ':')
		}
		if i == 4 {
			x = y
		}
		dst = strconv.AppendUint(dst, x&0xffff, 16)
		x >>= 16
	}
	return dst
}

func appendURL(dst []byte, r *source, t *textTables) []byte {
	if r.Uint64()&1 == 0 {
		dst = append(dst, "https://www."...)
	} else {
		dst = append(dst, "http://www."...)
	}
	dst = append(dst, pick(r, t.jobSlug)...)
	dst = append(dst, pick(r, t.bsSlug)...)
	dst = append(dst, '.')
	dst = append(dst, pick(r, t.domainSuffix)...)
	for n := 1 + r.IntN(4); n > 0; n-- {
		dst = append(dst, '/')
		dst = append(dst, pick(r, t.bsSlug)...)
	}
	return dst
}

var desktopPlatforms = []string{
	"Windows NT 10.0; Win64; x64",
	"Windows NT 10.0; WOW64",
	"Windows NT 6.1; Win64; x64",
	"Macintosh; Intel Mac OS X 10_15_7",
	"Macintosh; Intel Mac OS X 14_4",
	"X11; Linux x86_64",
	"X11; Ubuntu; Linux x86_64",
}

// appendUserAgent writes a browser user agent: Chrome, Edge, Firefox,
// Safari (desktop and iPhone) or Chrome on Android, with plausible versions.
func appendUserAgent(dst []byte, r *source) []byte {
	switch r.UintN(6) {
	case 0, 1: // Chrome, Edge
		edge := r.Uint64()&3 == 0
		dst = append(dst, "Mozilla/5.0 ("...)
		dst = append(dst, pick(r, desktopPlatforms)...)
		dst = append(dst, ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"...)
		major := 100 + r.IntN(32)
		dst = strconv.AppendInt(dst, int64(major), 10)
		dst = append(dst, ".0."...)
		dst = appendRange(dst, r, 4000, 6999)
		dst = append(dst, '.')
		dst = appendRange(dst, r, 0, 199)
		dst = append(dst, " Safari/537.36"...)
		if edge {
			dst = append(dst, " Edg/"...)
			dst = strconv.AppendInt(dst, int64(major), 10)
			dst = append(dst, ".0."...)
			dst = appendRange(dst, r, 1000, 2999)
			dst = append(dst, '.')
			dst = appendRange(dst, r, 0, 99)
		}
	case 2: // Firefox
		v := int64(100 + r.IntN(33))
		dst = append(dst, "Mozilla/5.0 ("...)
		dst = append(dst, pick(r, desktopPlatforms)...)
		dst = append(dst, "; rv:"...)
		dst = strconv.AppendInt(dst, v, 10)
		dst = append(dst, ".0) Gecko/20100101 Firefox/"...)
		dst = strconv.AppendInt(dst, v, 10)
		dst = append(dst, ".0"...)
	case 3: // Safari
		dst = append(dst, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/"...)
		dst = appendRange(dst, r, 14, 17)
		dst = append(dst, '.')
		dst = appendRange(dst, r, 0, 6)
		dst = append(dst, " Safari/605.1.15"...)
	case 4: // iPhone
		major, minor := int64(14+r.IntN(4)), int64(r.IntN(7))
		dst = append(dst, "Mozilla/5.0 (iPhone; CPU iPhone OS "...)
		dst = strconv.AppendInt(dst, major, 10)
		dst = append(dst, '_')
		dst = strconv.AppendInt(dst, minor, 10)
		dst = append(dst, " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/"...)
		dst = strconv.AppendInt(dst, major, 10)
		dst = append(dst, '.')
		dst = strconv.AppendInt(dst, minor, 10)
		dst = append(dst, " Mobile/15E148 Safari/604.1"...)
	default: // Chrome on Android
		dst = append(dst, "Mozilla/5.0 (Linux; Android "...)
		dst = appendRange(dst, r, 10, 14)
		dst = append(dst, "; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"...)
		dst = appendRange(dst, r, 100, 131)
		dst = append(dst, ".0.0.0 Mobile Safari/537.36"...)
	}
	return dst
}

// appendRange appends a uniform integer in [lo, hi].
func appendRange(dst []byte, r *source, lo, hi int) []byte {
	return strconv.AppendInt(dst, int64(lo+r.IntN(hi-lo+1)), 10)
}

// appendSentence writes n words, the first capitalised, ending with '.'.
func appendSentence(dst []byte, r *source, t *textTables, n int) []byte {
	start := len(dst)
	for i := range n {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, pick(r, t.words)...)
	}
	if len(dst) > start {
		if c := dst[start]; c >= 'a' && c <= 'z' {
			dst[start] = c - ('a' - 'A')
		}
	}
	return append(dst, '.')
}
