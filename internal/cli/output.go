package cli

import (
	"context"
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/build"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// buildFlags are the flags package build reads.
func buildFlags(o *options.Options) build.Flags {
	return build.Flags{SiteDir: o.Verify.SiteDir, Manifest: o.Manifest, State: o.State, From: o.From, PreviousDir: o.PreviousDir}
}

// outputPlan is buildPlan in build-output mode (see build.Plan).
func (e *env) outputPlan(ctx context.Context, o *options.Options) (*planned, error) {
	cfg, root, to, err := e.headConfig(o)
	if err != nil {
		return nil, err
	}
	settings := plan.SettingsOf(cfg)
	settings.MaxObjects, settings.Timeout = o.BatchSize, o.Timeout
	b, err := build.Plan(ctx, buildFlags(o), o.Repo, cfg, root, to, settings)
	if err != nil {
		return nil, usageErr(err)
	}
	return &planned{PlanDoc: rpt.PlanDoc{Range: b.Range, Plan: b.Plan}, cfg: cfg, mapped: b.Mapped, built: b.Side}, nil
}

// recordOutput replaces the manifest with the purged build's, once every
// object was purged: a failed run keeps the old one, so the next run
// compares with the last build the edge really dropped.
func (e *env) recordOutput(b *build.Side) error {
	if b == nil {
		return nil
	}
	data, err := build.EncodeManifest(b.Manifest)
	if err != nil {
		return &exitError{ExitFailed, fmt.Errorf("everything was purged, but the manifest could not be written: %w", err)}
	}
	if err := e.writeOut(b.Path, data); err != nil {
		return &exitError{ExitFailed, fmt.Errorf("everything was purged, but %w: the next run will compare with the older build and purge its changes again", err)}
	}
	fmt.Fprintf(e.stdout, "Recorded the build output's manifest (%d files) in %s.\n", len(b.Manifest.Files), b.Path)
	return nil
}

// explainOutput is plan --explain-output PATH (see build.Explain).
func (e *env) explainOutput(o *options.Options) error {
	cfg, root, _, err := e.headConfig(o)
	if err != nil {
		return err
	}
	text, err := build.Explain(buildFlags(o), cfg, root, o.ExplainOutput)
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprintln(e.stdout, text)
	return nil
}
