package compare

import (
	"math"
	"sort"
)

// tQuantile returns the p-quantile of Student's t distribution with df
// degrees of freedom (df may be fractional, as Welch's approximation gives;
// +Inf gives the normal quantile).
func tQuantile(p, df float64) float64 {
	if p == 0.5 {
		return 0
	}
	if p < 0.5 {
		return -tQuantile(1-p, df)
	}
	if math.IsInf(df, 1) || df > 1e7 {
		return math.Sqrt2 * math.Erfinv(2*p-1)
	}
	// Bisection on the CDF: monotone, and 200 halvings of a range that
	// starts at [0, 1e6] pin it far below float precision.
	lo, hi := 0.0, 1.0
	for tCDF(hi, df) < p {
		lo, hi = hi, hi*2
		if hi > 1e12 {
			return math.Inf(1)
		}
	}
	for range 200 {
		mid := (lo + hi) / 2
		if tCDF(mid, df) < p {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-12*hi {
			break
		}
	}
	return (lo + hi) / 2
}

// tCDF is Student's t cumulative distribution function.
func tCDF(t, df float64) float64 {
	x := df / (df + t*t)
	tail := 0.5 * regIncBeta(df/2, 0.5, x)
	if t > 0 {
		return 1 - tail
	}
	return tail
}

// regIncBeta is the regularized incomplete beta function I_x(a, b),
// evaluated with its continued fraction (modified Lentz), using the
// symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where the fraction converges slowly.
func regIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	if x > (a+1)/(a+b+2) {
		return 1 - regIncBeta(b, a, 1-x)
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	return front * betaFraction(a, b, x) / a
}

// betaFraction evaluates the continued fraction of the incomplete beta
// function: 1/(1+ d1/(1+ d2/(1+ ...))) with the classical coefficients
// d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and
// d_{2m} = m(b−m)x / ((a+2m−1)(a+2m)).
func betaFraction(a, b, x float64) float64 {
	const tiny = 1e-300
	// numerator returns a_{k+1} of b0 + a1/(b1 + a2/(b2 + ...)) with
	// b0 = 0, a1 = 1, b_k = 1 and a_{k+1} = d_k.
	numerator := func(k int) float64 {
		if k == 0 {
			return 1
		}
		m := float64(k / 2)
		if k%2 == 1 {
			return -(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1))
		}
		return m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m))
	}
	f, c, d := tiny, tiny, 0.0
	for k := 0; k < 10000; k++ {
		num := numerator(k)
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		delta := c * d
		f *= delta
		if math.Abs(delta-1) < 1e-15 {
			break
		}
	}
	return f
}

// meanSD returns the mean and the sample standard deviation of xs.
func meanSD(xs []float64) (mean, sd float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}

// welchDF is the Welch–Satterthwaite degrees of freedom of the sum of two
// independent variance estimates v1 (df1) and v2 (df2).
func welchDF(v1, df1, v2, df2 float64) float64 {
	num := (v1 + v2) * (v1 + v2)
	den := 0.0
	if v1 > 0 && !math.IsInf(df1, 1) {
		den += v1 * v1 / df1
	}
	if v2 > 0 && !math.IsInf(df2, 1) {
		den += v2 * v2 / df2
	}
	if den == 0 {
		return math.Inf(1)
	}
	return num / den
}

func sortedCopy(xs []float64) []float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s
}
