package schemadata

import (
	"fmt"
	"regexp/syntax"
	"unicode/utf8"
)

// regexGen makes strings that a regular expression matches: the subset of
// syntax a string can be built from (literals, classes, ., groups,
// alternation, repetition, and anchors, which produce nothing). Word
// boundaries are refused. Unbounded repetition (*, +, {n,}) repeats at
// most maxRegexRepeat times beyond its minimum.
type regexGen struct {
	re *syntax.Regexp
}

const maxRegexRepeat = 3

// compileRegexGen parses pattern (Go syntax, which is what the JSON Schema
// validator uses) for generation.
func compileRegexGen(pattern string) (*regexGen, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %v", pattern, err)
	}
	re = re.Simplify()
	if err := checkRegex(re, 0); err != nil {
		return nil, fmt.Errorf("pattern %q: %v", pattern, err)
	}
	return &regexGen{re: re}, nil
}

func checkRegex(re *syntax.Regexp, depth int) error {
	if depth > 100 {
		return fmt.Errorf("nested too deeply")
	}
	switch re.Op {
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return fmt.Errorf(`word boundaries (\b, \B) are not generated; give the field a hint instead`)
	case syntax.OpNoMatch:
		return fmt.Errorf("it matches nothing")
	case syntax.OpRepeat:
		if re.Min > maxStringLimit || re.Max > maxStringLimit {
			return fmt.Errorf("repeats more than %d times", maxStringLimit)
		}
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return fmt.Errorf("an empty character class matches nothing")
		}
	}
	for _, s := range re.Sub {
		if err := checkRegex(s, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (g *regexGen) append(dst []byte, r *source) []byte {
	return appendRegex(dst, g.re, r)
}

func appendRegex(dst []byte, re *syntax.Regexp, r *source) []byte {
	switch re.Op {
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			dst = utf8.AppendRune(dst, c)
		}
	case syntax.OpCharClass:
		dst = utf8.AppendRune(dst, pickClassRune(re.Rune, r))
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		dst = append(dst, byte('a'+r.IntN(26)))
	case syntax.OpCapture:
		dst = appendRegex(dst, re.Sub[0], r)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			dst = appendRegex(dst, s, r)
		}
	case syntax.OpAlternate:
		dst = appendRegex(dst, re.Sub[r.IntN(len(re.Sub))], r)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, maxRegexRepeat
		switch re.Op {
		case syntax.OpPlus:
			lo, hi = 1, 1+maxRegexRepeat
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
			if hi < 0 {
				hi = lo + maxRegexRepeat
			}
		}
		for range lo + r.IntN(hi-lo+1) {
			dst = appendRegex(dst, re.Sub[0], r)
		}
	}
	// Anchors and empty matches produce nothing.
	return dst
}

// pickClassRune picks a rune of a character class (pairs of inclusive
// ranges), preferring printable ASCII so that negated classes give
// readable text, and never a surrogate.
func pickClassRune(ranges []rune, r *source) rune {
	var ascii, all uint64
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		all += uint64(hi-lo) + 1
		if l, h := max(lo, 0x20), min(hi, 0x7e); l <= h {
			ascii += uint64(h-l) + 1
		}
	}
	if ascii > 0 {
		k := r.UintN(ascii)
		for i := 0; i+1 < len(ranges); i += 2 {
			l, h := max(ranges[i], 0x20), min(ranges[i+1], 0x7e)
			if l > h {
				continue
			}
			if n := uint64(h-l) + 1; k < n {
				return l + rune(k)
			} else {
				k -= n
			}
		}
	}
	for range 16 {
		k := r.UintN(all)
		for i := 0; i+1 < len(ranges); i += 2 {
			if n := uint64(ranges[i+1]-ranges[i]) + 1; k < n {
				if c := ranges[i] + rune(k); utf8.ValidRune(c) {
					return c
				}
				break
			} else {
				k -= n
			}
		}
	}
	return ranges[0]
}
