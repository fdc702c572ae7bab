package measure

import "fmt"

// FormatDuration renders nanoseconds with three significant digits.
func FormatDuration(ns float64) string {
	switch {
	case ns >= 60e9:
		return fmt.Sprintf("%.1fm", ns/60e9)
	case ns >= 1e9:
		return sig3(ns/1e9) + "s"
	case ns >= 1e6:
		return sig3(ns/1e6) + "ms"
	case ns >= 1e3:
		return sig3(ns/1e3) + "µs"
	}
	return fmt.Sprintf("%.0fns", ns)
}

// FormatRate renders a per-second quantity with a k/M suffix.
func FormatRate(v float64) string {
	switch {
	case v >= 1e6:
		return sig3(v/1e6) + "M"
	case v >= 1e4:
		return sig3(v/1e3) + "k"
	}
	return fmt.Sprintf("%.0f", v)
}

// FormatBytes renders a byte quantity in decimal units (kB, MB, GB).
func FormatBytes(v float64) string {
	switch {
	case v >= 1e9:
		return sig3(v/1e9) + "GB"
	case v >= 1e6:
		return sig3(v/1e6) + "MB"
	case v >= 1e3:
		return sig3(v/1e3) + "kB"
	}
	return fmt.Sprintf("%.0fB", v)
}

// sig3 formats v with three significant digits, deciding the decimals
// after rounding so 99.97 reads 100, not 100.0.
func sig3(v float64) string {
	switch {
	case v >= 99.95:
		return fmt.Sprintf("%.0f", v)
	case v >= 9.995:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
