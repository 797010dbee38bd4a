package main

import (
	"context"
	"math"
	"sort"
	"sync"
	"time"
)

// benchQuery runs o.benchN QueryData calls spread over o.concurrency
// goroutines on the one go-plugin connection, and reports throughput and
// latency percentiles. The request is built once so we measure the plugin and
// the transport, not request construction.
func benchQuery(c *clients, o options) result {
	req := queryRequest(o.queryJSON, o.queryType)
	call := func() (time.Duration, error) {
		ctx, cancel := context.WithTimeout(context.Background(), o.callTimeout)
		defer cancel()
		t := time.Now()
		_, err := c.data.QueryData(ctx, req)
		return time.Since(t), err
	}

	for i := 0; i < o.warmup; i++ {
		if _, err := call(); err != nil {
			return failure(result{"call": "bench-query"}, err)
		}
	}

	conc := o.concurrency
	if conc < 1 {
		conc = 1
	}
	latencies := make([]time.Duration, o.benchN)
	errs := make([]error, o.benchN)
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				latencies[i], errs[i] = call()
			}
		}()
	}
	for i := 0; i < o.benchN; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)

	failed := 0
	var firstErr error
	for _, err := range errs {
		if err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	r := result{
		"call":        "bench-query",
		"ok":          failed == 0,
		"calls":       o.benchN,
		"concurrency": conc,
		"errors":      failed,
		"seconds":     elapsed.Seconds(),
		"callsPerSec": float64(o.benchN) / elapsed.Seconds(),
		"p50Ms":       ms(percentile(latencies, 0.50)),
		"p99Ms":       ms(percentile(latencies, 0.99)),
		"maxMs":       ms(latencies[len(latencies)-1]),
	}
	if firstErr != nil {
		r["error"] = firstErr.Error()
	}
	return r
}

// percentile uses the nearest-rank method on sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(float64(len(sorted))*p)) - 1
	if i < 0 {
		i = 0
	}
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
