//go:build goplugin_v1_8

package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"

	"github.com/hashicorp/go-plugin/runner"
)

// execRunner is the runner.Runner a RunnerFunc returns: Grafana's starts the
// plugin in a container, this one as a plain child process (go-plugin's own
// cmdrunner is internal). It runs path with go-plugin's prepared environment
// (cmd.Env: the magic cookie, PLUGIN_UNIX_SOCKET_DIR, …) plus extraEnv, and
// addresses need no translation between host and plugin.
type execRunner struct {
	cmd            *exec.Cmd
	stdout, stderr io.ReadCloser
}

var _ runner.Runner = (*execRunner)(nil)

func newExecRunner(path string, args []string, prepared *exec.Cmd, extraEnv []string) (*execRunner, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = append(append([]string{}, prepared.Env...), extraEnv...)
	cmd.Stdin = prepared.Stdin
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	return &execRunner{cmd: cmd, stdout: stdout, stderr: stderr}, nil
}

func (r *execRunner) Start(context.Context) error { return r.cmd.Start() }
func (r *execRunner) Diagnose(context.Context) string {
	return "started by gohost's RunnerFunc: " + r.cmd.Path
}
func (r *execRunner) Stdout() io.ReadCloser      { return r.stdout }
func (r *execRunner) Stderr() io.ReadCloser      { return r.stderr }
func (r *execRunner) Name() string               { return r.cmd.Path }
func (r *execRunner) Wait(context.Context) error { return r.cmd.Wait() }
func (r *execRunner) Kill(context.Context) error {
	if r.cmd.Process == nil {
		return nil
	}
	if err := r.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

// ID is empty until the process runs: go-plugin's Kill does nothing then.
func (r *execRunner) ID() string {
	if r.cmd.Process == nil {
		return ""
	}
	return strconv.Itoa(r.cmd.Process.Pid)
}

func (r *execRunner) PluginToHost(network, address string) (string, string, error) {
	return network, address, nil
}
func (r *execRunner) HostToPlugin(network, address string) (string, string, error) {
	return network, address, nil
}
