package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// clockTicks is the unit of the CPU times of /proc/PID/stat (USER_HZ,
// 100 on Linux).
const clockTicks = 100

// pgCPU adds up the CPU time of the PostgreSQL backends that serve one
// database, from Linux's /proc, between a baseline and the last sample:
// the database's own query work, without PostgreSQL's shared background
// processes (WAL writer, checkpointer), which other databases of the
// server share. A backend that ends between two samples loses the CPU
// time it used since the earlier one, so sample often.
type pgCPU struct {
	dbname string
	base   map[int]float64 // seconds at the baseline, per PID
	last   map[int]float64
}

// newPGCPU takes the baseline of the backends of dbname.
func newPGCPU(dbname string) *pgCPU {
	p := &pgCPU{dbname: dbname}
	p.base = p.read()
	p.last = map[int]float64{}
	return p
}

// sample reads the backends' CPU times again.
func (p *pgCPU) sample() {
	for pid, s := range p.read() {
		p.last[pid] = s
	}
}

// seconds returns the CPU seconds the backends used since the baseline.
func (p *pgCPU) seconds() float64 {
	total := 0.0
	for pid, s := range p.last {
		total += s - p.base[pid] // zero for a backend started since
	}
	return total
}

// read returns the CPU seconds of each backend of the database: the
// processes whose title is "postgres: CLUSTER: USER DBNAME HOST ...".
func (p *pgCPU) read() map[int]float64 {
	out := map[int]float64{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		title, err := os.ReadFile(filepath.Join(dir, "cmdline"))
		if err != nil || !bytes.HasPrefix(title, []byte("postgres: ")) {
			continue
		}
		f := strings.Fields(string(bytes.ReplaceAll(title, []byte{0}, []byte{' '})))
		// postgres: 15/main: postgres tkload 127.0.0.1(5432) idle
		if len(f) < 4 || f[3] != p.dbname {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(dir, "stat"))
		if err != nil {
			continue
		}
		_, rest, ok := bytes.Cut(stat, []byte(") "))
		fields := strings.Fields(string(rest))
		if !ok || len(fields) < 13 {
			continue
		}
		utime, err1 := strconv.ParseFloat(fields[11], 64)
		stime, err2 := strconv.ParseFloat(fields[12], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(dir))
		out[pid] = (utime + stime) / clockTicks
	}
	return out
}
