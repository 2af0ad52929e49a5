using Resonance.Cli;
using Resonance.Experiments;
using Spectre.Console;
using Spectre.Console.Rendering;
using Spectre.Console.Testing;

namespace Resonance.Tests.Cli;

/// <summary>
/// A user's mistake in a file, an override or an option, through the real command line: one line naming the file, key or
/// option and the fix, exit code 2, never a stack trace. A bug is one line naming a crash log, exit code 70.
/// </summary>
public class BadInputTests
{
    static (int Code, string Output) Run(params string[] args)
    {
        var console = new TestConsole().Width(2000);
        int code = ResonanceCli.Run(args, console);
        return (code, console.Output);
    }

    /// <summary>Runs the command with the file and asserts one error line, exit code 2, holding every fragment.</summary>
    static void AssertRefused(string[] args, params string[] fragments)
    {
        var (code, output) = Run(args);
        Assert.True(code == ResonanceCli.BadInput, $"exit {code}: {output}");
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, output);
        Assert.StartsWith("error: ", lines[0]);
        foreach (string fragment in fragments) Assert.Contains(fragment, lines[0]);
    }

    const string Training = "model:\n  type: rnn\n  hidden: 8\ndata:\n  dataset: synthetic\n";
    const string Study = "study: boundary\nnetwork:\n  neurons: 16\n";
    const string Sparks = "sparks:\n  neurons: 64\n";

    // Each file kind (training, attractor study, spark) with a key that is a list or a section, at the top or nested.
    public static TheoryData<string, string, string> NonScalarKeys => new()
    {
        { "run", Training + "? [a, b]\n: 1\n", "x.yaml:6:3: a key is a list" },
        { "run", Training + "[a]: 1\n", "x.yaml:6:1: a key is a list" },
        { "run", Training + "{a: 1}: 2\n", "x.yaml:6:1: a key is a section" },
        { "run", "model:\n  type: rnn\n  [hidden]: 8\n", "x.yaml:3:3: in model, a key is a list" },
        { "attractor run", Study + "[a]: 1\n", "x.yaml:4:1: a key is a list" },
        { "attractor run", Study + "per_rule:\n  learned-basin:\n    ? {network: 1}\n    : 2\n", "x.yaml:6:7: in per_rule.learned-basin, a key is a section" },
        { "attractor run", Study + "per_rule:\n  [learned-basin]: {}\n", "x.yaml:5:3: in per_rule, a key is a list" },
        { "sparks run", Sparks + "  ? [epsilon]\n  : 1\n", "x.yaml:3:5: in sparks, a key is a list" },
    };

    [Theory]
    [MemberData(nameof(NonScalarKeys))]
    public void A_key_that_is_a_list_or_a_section_is_refused_with_its_line_in_every_kind_of_file(string command, string text, string message)
    {
        using var folder = new TempFolder();
        string file = folder.File("x.yaml", text);
        AssertRefused([.. command.Split(' '), file, "--device", "cpu"], message, "a key must be a plain name");
    }

    [Fact]
    public void A_file_cut_off_inside_a_flow_collection_names_the_file_and_line()
    {
        using var folder = new TempFolder();
        // YamlDotNet's scanner fails here with an InvalidOperationException, not a YamlException.
        string cut = folder.File("x.yaml", "model:\n  type: rnn\n  hidden: 8\n]\ntraining:\n  clip_grad_norm: {1.0");
        AssertRefused(["run", cut], "x.yaml:", "YAML syntax error");
        string open = folder.File("y.yaml", "model:\n  type: rnn\n  hidden: [1, 2");
        AssertRefused(["run", open], "y.yaml:", "YAML syntax error");
    }

    [Fact]
    public void A_second_yaml_document_is_refused_not_ignored()
    {
        using var folder = new TempFolder();
        string file = folder.File("x.yaml", Training + "---\ntraining:\n  epochs: 1\n");
        AssertRefused(["run", file], "x.yaml:6: a second YAML document (after ---)");
    }

    [Fact]
    public void An_empty_file_or_one_of_comments_names_the_file()
    {
        using var folder = new TempFolder();
        AssertRefused(["run", folder.File("x.yaml", "")], "x.yaml: the file is empty");
        AssertRefused(["sparks", "run", folder.File("y.yaml", "# to do\n"), "--device", "cpu"], "y.yaml: the file is empty (only comments)");
    }

    [Fact]
    public void A_device_or_a_file_over_a_mebibyte_is_refused_without_reading_it_whole()
    {
        using var folder = new TempFolder();
        string big = folder.Combine("big.yaml");
        using (var stream = File.Create(big)) stream.SetLength(ConfigDocument.MaxFileBytes + 1);
        AssertRefused(["run", big], "big.yaml: larger than an experiment file may be (1 MiB)");
        if (File.Exists("/dev/zero"))
            AssertRefused(["run", "/dev/zero"], "/dev/zero: larger than an experiment file may be (1 MiB), or a device that never ends");
    }

    [Fact]
    public void Nesting_beyond_the_bound_is_refused_in_a_file_and_in_an_override()
    {
        using var folder = new TempFolder();
        string file = folder.File("x.yaml", "model: " + new string('[', ConfigDocument.MaxDepth + 1));
        AssertRefused(["run", file], "x.yaml:1:", $"nested more than {ConfigDocument.MaxDepth} levels deep");
        AssertRefused(["run", "quickstart", "--set", "model.hidden=" + new string('[', 100)], "--set model.hidden=[[", $"nested more than {ConfigDocument.MaxDepth} levels deep");
    }

    [Fact]
    public void A_file_nested_a_hundred_thousand_levels_deep_is_refused_by_the_real_tool_without_overflowing_its_stack()
    {
        using var folder = new TempFolder();
        string file = folder.File("deep.yaml", "model: " + new string('[', 100_000) + "\n");
        var (code, output) = CliProcess.Run(folder.Path, null, "run", file);
        Assert.True(code == ResonanceCli.BadInput, $"exit {code}: {output}");
        Assert.Equal($"error: {file}:1:71: nested more than {ConfigDocument.MaxDepth} levels deep; an experiment is sections of key: value lines " +
            "(check for unclosed [ or {).", output.Trim());
    }

    [Fact]
    public void Aliases_that_expand_without_end_are_refused()
    {
        using var folder = new TempFolder();
        AssertRefused(["run", folder.File("x.yaml", "model: &a [*a]\n")], "x.yaml: nested more than 64 levels deep once its aliases (*name) are expanded");
        string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 6).Select(i =>
            $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"));
        AssertRefused(["run", folder.File("y.yaml", laughs)], "y.yaml: more than 100,000 values");
    }

    [Fact]
    public void A_model_type_that_is_a_list_says_what_the_key_expects()
    {
        using var folder = new TempFolder();
        AssertRefused(["run", folder.File("x.yaml", "model: {type: [lstm]}\n")], "model.type: expected a model name such as lstm, got a list.");
        AssertRefused(["attractor", "run", folder.File("y.yaml", "study: [capacity]\n")], "study: expected the name of a study (capacity, ");
    }

    [Fact]
    public void Setting_a_section_to_a_value_says_to_set_a_key_inside_it()
    {
        AssertRefused(["run", "quickstart", "--set", "model=5"], "--set model=5: model is a section; set a key inside it, e.g. --set model.type=");
        AssertRefused(["run", "quickstart", "--set", "logging=5"], "--set logging=5: logging is a section; set a key inside it, e.g. --set logging.KEY=VALUE");
    }

    [Theory]
    [InlineData("training.weight_decay=nan", "training.weight_decay: expected a finite number, got nan")]
    [InlineData("training.min_lr=.inf", "training.min_lr: expected a finite number, got .inf")]
    [InlineData("training.clip_grad_norm=-Infinity", "training.clip_grad_norm: expected a finite number, got -Infinity")]
    [InlineData("training.lr=1e39", "training.lr: 1e39 is beyond the range of 32-bit floats")]
    public void A_number_that_is_not_finite_or_beyond_float32_is_refused_naming_the_key(string assignment, string message) =>
        AssertRefused(["run", "quickstart", "--set", assignment], message);

    [Theory]
    [InlineData("abc", "--threads: expected a whole number of threads >= 1, got abc")]
    [InlineData("0", "--threads: expected a whole number of threads from 1 to ")]
    [InlineData("100000", "--threads: expected a whole number of threads from 1 to ")]
    [InlineData("99999999999999999999", "--threads: expected a whole number of threads >= 1, got 99999999999999999999")]
    public void A_thread_count_that_is_not_a_small_whole_number_is_refused_before_anything_runs(string threads, string message)
    {
        var (code, output) = Run("info", "--threads", threads);
        Assert.Equal(ResonanceCli.BadInput, code);
        Assert.Contains(message, output);
        Assert.DoesNotContain("System.", output);
    }

    [Fact]
    public void Runs_with_a_root_that_is_not_a_folder_exits_2()
    {
        using var folder = new TempFolder();
        AssertRefused(["runs", "--root", folder.Combine("typo")], "typo: no such folder");
        AssertRefused(["runs", "--root", folder.File("file.txt", "")], "file.txt: a file, not a folder");
    }

    [Fact]
    public void Bench_refuses_an_output_it_cannot_write_before_it_runs()
    {
        using var folder = new TempFolder();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        AssertRefused(["bench", "--quick", "--out", folder.Path], $"--out {folder.Path}: a folder; give a file path, e.g. --out {Path.Combine(folder.Path, "bench.json")}");
        string underFile = Path.Combine(folder.File("file.txt", ""), "bench.json");
        AssertRefused(["bench", "--quick", "--out", underFile], "does not exist");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(["file.txt"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_bug_prints_one_line_naming_a_crash_log_that_holds_the_stack_trace_and_exits_70()
    {
        using var folder = new TempFolder();
        var console = new FailingOnceConsole(new InvalidOperationException("the table had no rows.\nsecond line"));
        int code = ResonanceCli.Run(["info", "--device", "cpu"], console, [folder.Combine("crash")]);
        Assert.Equal(ResonanceCli.InternalError, code);
        string output = console.Inner.Output;
        string log = Assert.Single(Directory.GetFiles(folder.Combine("crash")));
        Assert.Equal($"internal error: the table had no rows; details in {log} (a bug in resonance: please report it with that file).", output.Trim());
        string report = File.ReadAllText(log);
        Assert.Contains("resonance info --device cpu", report);
        Assert.Contains("System.InvalidOperationException: the table had no rows.", report);
        Assert.Contains("   at ", report);
    }

    [Fact]
    public void A_crash_log_falls_back_to_the_next_folder_when_one_cannot_be_written()
    {
        using var folder = new TempFolder();
        string blocked = Path.Combine(folder.File("file.txt", ""), "crash"); // under a file: cannot be created
        var console = new TestConsole().Width(2000);
        int code = ResonanceCli.ReportInternalError(console, new NullReferenceException("boom"), ["run"], [blocked, folder.Combine("fallback")]);
        Assert.Equal(ResonanceCli.InternalError, code);
        Assert.Single(Directory.GetFiles(folder.Combine("fallback")));
        Assert.Contains("internal error: boom; details in " + folder.Combine("fallback"), console.Output);

        var nowhere = new TestConsole().Width(2000);
        ResonanceCli.ReportInternalError(nowhere, new NullReferenceException("boom"), ["run"], [blocked]);
        Assert.Contains("internal error: boom; the details could not be saved", nowhere.Output);
    }

    /// <summary>A console whose first write fails with <paramref name="failure"/> (a bug somewhere in a command); later writes land in <see cref="Inner"/>.</summary>
    sealed class FailingOnceConsole(Exception failure) : IAnsiConsole
    {
        bool failed;
        public TestConsole Inner { get; } = new TestConsole().Width(2000);
        public Profile Profile => Inner.Profile;
        public IAnsiConsoleCursor Cursor => Inner.Cursor;
        public IAnsiConsoleInput Input => Inner.Input;
        public IExclusivityMode ExclusivityMode => Inner.ExclusivityMode;
        public RenderPipeline Pipeline => Inner.Pipeline;
        public void Clear(bool home) => Inner.Clear(home);
        public void WriteAnsi(Action<AnsiWriter> action) => Inner.WriteAnsi(action);

        public void Write(IRenderable renderable)
        {
            if (!failed)
            {
                failed = true;
                throw failure;
            }
            Inner.Write(renderable);
        }
    }
}
