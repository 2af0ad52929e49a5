using System.CommandLine;
using Resonance.Analysis;
using Resonance.Data;
using Resonance.Interop;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance export RUN_DIR --format safetensors|pytorch|npz [--out FILE]</c>: a trained run's weights under
/// PyTorch's names, with a JSON sidecar.</summary>
internal static class ExportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("export",
            "Write a trained run's weights (best checkpoint, else last) for PyTorch and NumPy: the LSTM, GRU and tanh RNN under torch.nn.LSTM / GRU / RNN " +
            "state-dict names (weight_ih_l0, ...) plus fc.weight / fc.bias for the readout; the resonator under its own names. A JSON sidecar FILE.json " +
            "holds the model type, options, sizes and the name mapping. Exit codes: 0 done, 2 bad input (not a run, no or a damaged checkpoint).");
        var runDir = new Argument<string>("run-dir") { Description = "A run directory that resonance run created (resonance runs lists them).", HelpName = "RUN_DIR" };
        var format = new Option<WeightFormat>("--format")
        {
            Description = "safetensors (safetensors.torch.load_file), pytorch (torch.load) or npz (numpy.load).",
            DefaultValueFactory = _ => WeightFormat.Safetensors,
        };
        var outFile = new Option<string?>("--out") { Description = "The weights file (default: RUN_DIR/export/weights.safetensors, .pt or .npz).", HelpName = "FILE" };
        command.Arguments.Add(runDir);
        command.Options.Add(format);
        command.Options.Add(outFile);
        command.SetAction(parse =>
        {
            ResonanceCli.ApplyGlobalOptions(parse);
            string path = parse.GetValue(runDir)!;
            var chosen = parse.GetValue(format);
            using var run = AnalysedRun.Open(path, TorchSharp.torch.CPU, DataCache.FromEnvironment(),
                warning => console.MarkupLine($"[yellow]{Markup.Escape(warning)}[/]"), requireDynamics: false, purpose: "resonance export writes");
            string file = parse.GetValue(outFile) ?? Path.Combine(run.Run.Path, "export", "weights" + WeightFile.Extension(chosen));
            string checkpoint = Path.GetRelativePath(run.Run.Path, run.CheckpointPath);
            ExportedWeights written;
            try
            {
                written = WeightExport.Write(run.Model, run.Experiment.Model.Type, run.Experiment.ModelOptions, file, chosen,
                    source: $"{run.Run.Path} ({checkpoint}, epoch {run.CheckpointState.Epoch}, step {run.CheckpointState.Step})");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"--out {file}: cannot be written ({e.Message.Split('\n')[0].Trim()}); give a writable path.", e);
            }
            console.MarkupLine($"[green]exported[/] {written.Layout.Tensors.Count} tensors of {Markup.Escape(run.Experiment.Model.Type)} ({Markup.Escape(written.Layout.Module)} names) " +
                $"from {Markup.Escape(checkpoint)} to {Markup.Escape(written.WeightsPath)}");
            console.MarkupLine($"sidecar: {Markup.Escape(written.SidecarPath)}");
            return ResonanceCli.Success;
        });
        return command;
    }
}
