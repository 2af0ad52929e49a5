using Resonance.Runs;
using Resonance.Cli;
using Resonance.Runtime;
using Spectre.Console.Testing;

namespace Resonance.Tests.Cli;

public class CommandLineTests
{
    static (int Code, string Output) Run(params string[] args)
    {
        var console = new TestConsole().Width(2000);
        int code = ResonanceCli.Run(args, console);
        return (code, console.Output);
    }

    [Fact]
    public void Help_lists_the_commands_and_global_options()
    {
        var (code, output) = CaptureStdout(() => ResonanceCli.Run(["--help"], new TestConsole()));
        Assert.Equal(0, code);
        foreach (string word in new[] { "info", "data", "run", "runs", "--device", "--threads" })
            Assert.Contains(word, output);
    }

    [Fact]
    public void Info_shows_versions_devices_threads_and_the_cache()
    {
        var (code, output) = Run("info", "--device", "cpu", "--threads", "1");
        Assert.Equal(0, code);
        Assert.Contains("TorchSharp", output);
        Assert.Contains("0.107.0", output);
        Assert.Contains("libtorch", output);
        Assert.Contains("2.10", output);
        Assert.Matches(@"threads \(intra-op\)\s*│\s*1\s", output);
        Assert.Contains("data cache", output);
        TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
    }

    [Fact]
    public void A_libtorch_failure_is_a_failed_run_with_its_first_line_not_a_stack_trace()
    {
        var writer = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(writer),
            Ansi = Spectre.Console.AnsiSupport.No,
            ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 240;
        var failure = new System.Runtime.InteropServices.ExternalException(
            "Pivots given to lu_solve must all be greater or equal to 1.\nException raised from lu_solve_kernel at BatchLinearAlgebraKernel.cpp:1083\nframe #0: c10::Error");
        Assert.Equal(1, ResonanceCli.ReportTorchFailure(console, failure));
        string output = writer.ToString();
        Assert.Contains("error: the tensor library failed: Pivots given to lu_solve must all be greater or equal to 1.", output);
        Assert.DoesNotContain("frame #0", output);
        Assert.DoesNotContain("Exception raised", output);
    }

    [Fact]
    public void An_unknown_device_exits_2_with_one_line()
    {
        var (code, output) = Run("info", "--device", "gpu");
        Assert.Equal(2, code);
        Assert.Contains("--device: unknown device \"gpu\"; use one of auto, cpu, cuda.", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void Cuda_on_a_machine_without_it_exits_2_with_one_line()
    {
        var (code, output) = Run("info", "--device", "cuda");
        if (Devices.CudaAvailable)
        {
            Assert.Equal(0, code); // a machine with a CUDA build and a GPU: the request is honoured
            return;
        }
        Assert.Equal(2, code);
        Assert.Contains("--device cuda: no CUDA device is available here", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void A_bad_thread_count_exits_2()
    {
        var (code, output) = Run("info", "--threads", "0");
        Assert.Equal(2, code);
        Assert.Contains("--threads: expected a whole number of threads from 1 to ", output);
    }

    [Fact]
    public void An_unknown_command_or_option_exits_2()
    {
        Assert.Equal(2, Run("trian").Code);
        Assert.Equal(2, Run("info", "--devise", "cpu").Code);
    }

    [Fact]
    public void A_missing_experiment_file_exits_2_naming_it()
    {
        var (code, output) = Run("run", "no/such/file.yaml");
        Assert.Equal(2, code);
        Assert.Contains("no/such/file.yaml: no such experiment file", output);
    }

    [Fact]
    public void Runs_lists_run_directories_with_their_figures_as_a_table_and_as_json()
    {
        using var folder = new TempFolder();
        var run = new Resonance.Runs.RunDirectory(Path.Combine(folder.Path, "demo-1"));
        run.Create("training", "kind: training\nname: demo\n");
        run.WriteSummary(new Dictionary<string, object?> { ["status"] = "completed", ["test_accuracy"] = 0.9871, ["train_time_s"] = 12.5 });

        var (code, output) = Run("runs", "--root", folder.Path);
        Assert.Equal(0, code);
        Assert.Contains("demo-1", output);
        Assert.Contains("98.71 %", output);

        var (jsonCode, json) = Run("runs", "--root", folder.Path, "--json");
        Assert.Equal(0, jsonCode);
        var parsed = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsArray();
        Assert.Equal(0.9871, Assert.Single(parsed)!["test_accuracy"]!.GetValue<double>());
    }

    [Fact]
    public void Run_ends_with_the_reference_figures_beside_its_own_and_then_where_the_plots_are()
    {
        using var folder = new TempFolder();
        string file = Path.Combine(folder.Path, "tiny.yaml");
        File.WriteAllText(file, """
            name: tiny
            seed: 3
            model: { type: resonator, hidden: 8 }
            data: { dataset: synthetic, samples: 64, steps: 6 }
            training: { epochs: 1, lr: 0.01, batch_size: 32 }
            reference:
              - { name: "a claimed figure", metric: test_accuracy, value: 0.992, source: "a seed" }
              - { name: "a baseline not run", metric: test_accuracy, value: ~ }
            """);
        var (code, output) = Run("run", file, "--out", Path.Combine(folder.Path, "run"));
        Assert.Equal(0, code);
        int table = output.IndexOf("test_accuracy: this run and its references", StringComparison.Ordinal);
        Assert.True(table > 0, output);
        Assert.Contains("99.20 %", output[table..]);
        Assert.Contains("missing", output[table..]);
        Assert.True(output.IndexOf("plots:", StringComparison.Ordinal) > table, "the plots line comes last");
    }

    static (int, string) CaptureStdout(Func<int> action)
    {
        var original = Console.Out;
        var writer = new StringWriter();
        Console.SetOut(writer);
        try { return (action(), writer.ToString()); }
        finally { Console.SetOut(original); }
    }
}
