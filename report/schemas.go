package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kbench/kbench/measure"
)

// writeSchemas renders the SCHEMAS section of the text summary.
func writeSchemas(b *strings.Builder, r *measure.Result) {
	s := r.Schemas
	if s == nil {
		return
	}
	fmt.Fprintf(b, "\nSCHEMAS (%s)\n", s.Registry)
	for _, u := range s.Subjects {
		var vs []string
		for _, v := range u.Versions {
			vs = append(vs, fmt.Sprintf("v%d id %d (%s) from %.1fs", v.Version, v.ID, v.Source, v.FromS))
		}
		fmt.Fprintf(b, "  producer %s, subject %s (%s): %s\n", u.Producer, u.Subject, u.Format, strings.Join(vs, "; "))
		if c := u.Change; c != nil {
			registry := "registry accepted it"
			if !c.Accepted {
				registry = "registry refused it (" + c.RegistryError + "); the producer kept its schema"
			}
			verdict := "compatible"
			if !c.Compatible {
				verdict = "INCOMPATIBLE"
			}
			fmt.Fprintf(b, "    change at %.1fs to %s: %s; kbench schema check under %s: %s\n", c.AtS, c.To, registry, c.Mode, verdict)
			for i, inc := range c.Incompatibilities {
				if i == shownFindings {
					fmt.Fprintf(b, "      … and %d more\n", len(c.Incompatibilities)-i)
					break
				}
				fmt.Fprintf(b, "      - %s\n", inc)
			}
		}
	}
	for _, d := range s.Decoding {
		verdict := "PASS"
		if d.Errors > 0 {
			verdict = "FAIL"
		}
		ids := make([]string, 0, len(d.ByWriter))
		for id := range d.ByWriter {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var by []string
		for _, id := range ids {
			by = append(by, fmt.Sprintf("id %s: %d", id, d.ByWriter[id]))
		}
		fmt.Fprintf(b, "  %s  group %s on %s, reader %s: %d decoded, %d decode errors, %d lossy, %d with defaults (%s)\n",
			verdict, d.Group, d.Topic, d.Reader, d.Decoded, d.Errors, d.Lossy, d.Defaulted, strings.Join(by, ", "))
		for _, e := range d.FirstErrors {
			fmt.Fprintf(b, "        - decode error: %s\n", e)
		}
		for _, l := range d.FirstLosses {
			fmt.Fprintf(b, "        - lossy: %s\n", l)
		}
	}
}

// writeMarkdownSchemas renders the Schemas section of the Markdown summary.
func writeMarkdownSchemas(b *strings.Builder, r *measure.Result) {
	s := r.Schemas
	if s == nil {
		return
	}
	fmt.Fprintf(b, "\n### Schemas\n\n%s\n\n", mdText(s.Registry))
	for _, u := range s.Subjects {
		var vs []string
		for _, v := range u.Versions {
			vs = append(vs, fmt.Sprintf("v%d (id %d, %s) from %.1fs", v.Version, v.ID, mdCode(v.Source), v.FromS))
		}
		fmt.Fprintf(b, "- producer %s, subject %s (%s): %s\n", mdCode(u.Producer), mdCode(u.Subject), u.Format, strings.Join(vs, "; "))
		if c := u.Change; c != nil {
			mark, registry := "✅", "accepted by the registry"
			if !c.Accepted {
				mark, registry = "❌", "refused by the registry: "+mdText(c.RegistryError)
			}
			verdict := "compatible"
			if !c.Compatible {
				mark, verdict = "❌", "**incompatible**"
			}
			fmt.Fprintf(b, "  - %s change at %.1fs to %s: %s; `kbench schema check` under %s: %s\n",
				mark, c.AtS, mdCode(c.To), registry, c.Mode, verdict)
		}
	}
	if len(s.Decoding) > 0 {
		b.WriteString("\n| | group | reader | decoded | decode errors | lossy | with defaults |\n|:-:|---|---|---:|---:|---:|---:|\n")
		for _, d := range s.Decoding {
			mark := "✅"
			if d.Errors > 0 {
				mark = "❌"
			}
			fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %d | %d |\n", mark, mdCell(d.Group), mdCell(d.Reader),
				d.Decoded, d.Errors, d.Lossy, d.Defaulted)
		}
	}
}
