using System.Text;
using Resonance.Runs;
using Resonance.Tests.Cli;

namespace Resonance.Tests.Runs;

/// <summary>Damaged spark snapshots, training checkpoints and run summaries through the real CLI: one line naming the
/// file, what is wrong and what to do, exit 2 (or 0 where the damage is harmless); never an internal error, a stack
/// trace or a native abort. A damaged latest artifact of a run gives way to an earlier sound one, saying so.</summary>
public class DamagedArtifactTests
{
    const string Simulation = """
        kind: sparks
        seed: 3
        sparks: { neurons: 16, spark_count: 3 }
        measures: { every: 10 }
        run: { steps: 20, picture_steps: [], frame_every: 0, snapshot_every: 10, image_size: 200 }
        """;

    const string Training = """
        name: tiny
        seed: 5
        model: { type: rnn, hidden: 8 }
        data: { dataset: synthetic, samples: 64, steps: 6 }
        training: { epochs: 2, lr: 0.01, batch_size: 16 }
        logging: { plots: false, tensorboard: false }
        """;

    /// <summary>A finished run, made once per test class and never changed: each test damages its own copy.</summary>
    public abstract class PristineRun : IDisposable
    {
        readonly TempFolder folder = new();

        protected PristineRun(string experimentFile, string experiment)
        {
            Path = folder.Combine("run");
            var (code, output) = CliHarness.Run("run", folder.File(experimentFile, experiment), "--out", Path);
            Assert.True(code == 0, output);
        }

        public string Path { get; }

        /// <summary>A copy of the run in <paramref name="into"/>, to damage.</summary>
        public string CopyInto(TempFolder into, string name = "run")
        {
            string copy = into.Combine(name);
            foreach (string file in Directory.GetFiles(Path, "*", SearchOption.AllDirectories))
            {
                string target = System.IO.Path.Combine(copy, System.IO.Path.GetRelativePath(Path, file));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            return copy;
        }

        public void Dispose() => folder.Dispose();
    }

    /// <summary>A finished spark run with snapshots at steps 10 and 20.</summary>
    public sealed class PristineSparkRun() : PristineRun("sparks.yaml", Simulation);

    /// <summary>A finished training run with last.ckpt and best.ckpt.</summary>
    public sealed class PristineTrainingRun : PristineRun
    {
        public PristineTrainingRun() : base("training.yaml", Training) =>
            Assert.True(File.Exists(System.IO.Path.Combine(Path, "checkpoints", "best.ckpt")), "the run wrote no best.ckpt");
    }

    static string Snapshot(string runPath, int step) => Path.Combine(runPath, "snapshots", $"step-{step:D8}.npz");

    static string OneLine(string output) => string.Join(" ", output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The error message from where it starts to the end, unwrapped (the console wraps long lines).</summary>
    static string Error(string output) => output.Contains("error: ", StringComparison.Ordinal) ? OneLine(output[output.IndexOf("error: ", StringComparison.Ordinal)..]) : "";

    public class Spark_snapshots(PristineSparkRun pristine) : IClassFixture<PristineSparkRun>
    {
        [Fact]
        public void Every_damaged_copy_is_refused_in_one_line_or_runs_when_harmless()
        {
            using var folder = new TempFolder();
            byte[] original = File.ReadAllBytes(Snapshot(pristine.CopyInto(folder), 20));
            int index = 0;
            foreach (var (variant, bytes) in DamagedFiles.Variants(original, seed: 11))
            {
                string file = folder.Combine($"damaged-{index}.npz");
                File.WriteAllBytes(file, bytes);
                var (code, output) = CliHarness.Run("sparks", "run", "--from-snapshot", file, "--steps", "1", "--out", folder.Combine($"from-{index++}"));
                DamagedFiles.AssertRefusedOrHarmless(code, output, file, variant);
            }
        }

        public static TheoryData<string, string> Damage => new()
        {
            { "state.json not JSON", "state.json is not valid JSON (" },
            { "state.json an array", "state.json is a JSON array, expected an object" },
            { "no format_version", "state.json has no format_version" },
            { "format_version a string", "state.json's format_version is \"1\", expected a whole number" },
            { "format_version 7", "snapshot format 7 is not supported (expected 1); it was written by another version of resonance" },
            { "step a string", "state.json's step is \"ten\", expected a whole number" },
            { "negative step", "state.json's step is -5, expected 0 or more" },
            { "device a number", "state.json's move_stream_device is missing or not a string" },
            { "no NUMPY magic", "weights.npy is not a .npy array (no NUMPY magic)" },
            { "header longer than the member", "weights.npy has a .npy header longer than the member" },
            { "shape not sizes", "weights.npy has a .npy shape that is not a list of sizes: (16, x)" },
            { "data cut short", "weights.npy has shape (16, 16) but 1020 bytes of data, which do not fit it (cut short or padded)" },
            { "weights float64", "weights.npy has dtype <f8, expected <f4" },
            { "weights of another size", "weights.npy has shape (17, 17), expected (16, 16) for the 16 neurons and 3 sparks of its config.yaml" },
            { "more sparks", "sparks.npy has shape (4), expected (3) for the 16 neurons and 3 sparks of its config.yaml" },
            { "spark off the graph", "sparks.npy puts spark 1 at neuron 16, outside 0..15" },
            { "NaN weight", "weights.npy holds NaN at index 5; every value must be a finite number" },
            { "infinite position", $"positions.npy holds {float.NegativeInfinity.ToString(System.Globalization.CultureInfo.InvariantCulture)} at index 3; every value must be a finite number" },
            { "memory above 1", "memory.npy holds 2 at index 0, outside [0, 1] where a simulation keeps it" },
            { "move stream short", "move_stream.npy holds 5055 bytes, but a CPU generator state has 5056" },
            { "move stream long", "move_stream.npy holds 5057 bytes, but a CPU generator state has 5056" },
            { "move stream left 0", "move_stream.npy is not a valid Mersenne Twister state (left 0, seeded 1, next" },
            { "move stream unseeded", "move_stream.npy is not a valid Mersenne Twister state (left" },
            { "move stream next past the end", "move_stream.npy is not a valid Mersenne Twister state (left" },
            { "no weights", "not a spark snapshot (no weights.npy)" },
            { "truncated zip", "not a snapshot (.npz) file (" },
        };

        static void Apply(string damage, string file)
        {
            if (damage == "truncated zip")
            {
                byte[] bytes = File.ReadAllBytes(file);
                File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
                return;
            }
            var members = DamagedFiles.ReadZip(file);
            string state = Encoding.UTF8.GetString(members["state.json"]);
            void State(string json) => members["state.json"] = Encoding.UTF8.GetBytes(json);
            void Floats(string name, int index, float value)
            {
                byte[] npy = members[name + ".npy"];
                BitConverter.GetBytes(value).CopyTo(npy, npy.Length - DamagedFiles.NpyData(npy).Length + 4 * index);
            }
            byte[] MoveStream() => DamagedFiles.NpyData(members["move_stream.npy"]);
            void SetMoveStream(byte[] data) => members["move_stream.npy"] = DamagedFiles.Npy("|u1", $"({data.Length},)", data);
            byte[] weights = DamagedFiles.NpyData(members["weights.npy"]);
            switch (damage)
            {
                case "state.json not JSON": State(state[..^3]); break;
                case "state.json an array": State("[1, 2]"); break;
                case "no format_version": State(state.Replace("\"format_version\":1,", "")); break;
                case "format_version a string": State(state.Replace("\"format_version\":1", "\"format_version\":\"1\"")); break;
                case "format_version 7": State(state.Replace("\"format_version\":1", "\"format_version\":7")); break;
                case "step a string": State(state.Replace("\"step\":20", "\"step\":\"ten\"")); break;
                case "negative step": State(state.Replace("\"step\":20", "\"step\":-5")); break;
                case "device a number": State(state.Replace("\"cpu\"", "3")); break;
                case "no NUMPY magic": members["weights.npy"][1] = (byte)'X'; break;
                case "header longer than the member": members["weights.npy"] = members["weights.npy"][..40]; break;
                case "shape not sizes": members["weights.npy"] = DamagedFiles.Npy("<f4", "(16, x)", weights); break;
                case "data cut short": members["weights.npy"] = DamagedFiles.Npy("<f4", "(16, 16)", weights[..^4]); break;
                case "weights float64": members["weights.npy"] = DamagedFiles.Npy("<f8", "(16, 8)", weights); break;
                case "weights of another size": members["weights.npy"] = DamagedFiles.Npy("<f4", "(17, 17)", new byte[17 * 17 * 4]); break;
                case "more sparks": members["sparks.npy"] = DamagedFiles.Npy("<i4", "(4,)", new byte[16]); break;
                case "spark off the graph": BitConverter.GetBytes(16).CopyTo(members["sparks.npy"], members["sparks.npy"].Length - 8); break;
                case "NaN weight": Floats("weights", 5, float.NaN); break;
                case "infinite position": Floats("positions", 3, float.NegativeInfinity); break;
                case "memory above 1": Floats("memory", 0, 2f); break;
                case "move stream short": SetMoveStream(MoveStream()[..^1]); break;
                case "move stream long": SetMoveStream([.. MoveStream(), 0]); break;
                case "move stream left 0": { var data = MoveStream(); BitConverter.GetBytes(0).CopyTo(data, 8); SetMoveStream(data); break; }
                case "move stream unseeded": { var data = MoveStream(); BitConverter.GetBytes(0).CopyTo(data, 12); SetMoveStream(data); break; }
                case "move stream next past the end": { var data = MoveStream(); BitConverter.GetBytes(625UL).CopyTo(data, 16); SetMoveStream(data); break; }
                case "no weights": members.Remove("weights.npy"); break;
                default: throw new ArgumentException(damage);
            }
            DamagedFiles.WriteZip(file, members);
        }

        [Theory]
        [MemberData(nameof(Damage))]
        public void Each_damage_is_named_for_from_snapshot_and_for_resume(string damage, string message)
        {
            using var folder = new TempFolder();
            string runPath = pristine.CopyInto(folder);
            File.Delete(Snapshot(runPath, 10));            // nothing earlier to fall back to
            string file = Snapshot(runPath, 20);
            Apply(damage, file);

            var (code, output) = CliHarness.Run("sparks", "run", "--from-snapshot", file, "--steps", "1", "--out", folder.Combine("continued"));
            Assert.True(code == 2, output);
            Assert.StartsWith($"error: {file}: ", OneLine(output));
            Assert.Contains(message, OneLine(output));
            Assert.DoesNotContain("   at ", output);

            (code, output) = CliHarness.Run("run", "--resume", runPath);
            Assert.True(code == 2, output);
            Assert.StartsWith($"error: {file}: ", OneLine(output));
            Assert.Contains(message, OneLine(output));
            Assert.DoesNotContain("   at ", output);
        }

        [Fact]
        public void Resume_falls_back_from_a_damaged_latest_snapshot_to_the_one_before_and_says_so()
        {
            using var folder = new TempFolder();
            string runPath = pristine.CopyInto(folder);
            string latest = Snapshot(runPath, 20), earlier = Snapshot(runPath, 10);
            byte[] bytes = File.ReadAllBytes(latest);
            File.WriteAllBytes(latest, bytes[..(bytes.Length / 3)]);

            var (code, output) = CliHarness.Run("run", "--resume", runPath);

            Assert.True(code == 0, output);
            Assert.Contains($"{latest}: not a snapshot (.npz) file (", output);
            Assert.Contains($"; continuing from {earlier} (step 10) instead.", OneLine(output));
            var summary = new RunDirectory(runPath).ReadSummary()!;
            Assert.Equal("completed", summary["status"]!.GetValue<string>());
            Assert.Equal(20, summary["last_step"]!.GetValue<double>());
            Assert.NotNull(Resonance.Sparks.SparkSnapshot.Load(latest));   // written again, whole, when the run got there
        }

        [Fact]
        public void Resume_with_every_snapshot_damaged_names_the_latest_and_says_none_is_sound()
        {
            using var folder = new TempFolder();
            string runPath = pristine.CopyInto(folder);
            foreach (int step in new[] { 10, 20 })
                File.WriteAllBytes(Snapshot(runPath, step), []);

            var (code, output) = CliHarness.Run("run", "--resume", runPath);

            Assert.True(code == 2, output);
            Assert.StartsWith($"error: {Snapshot(runPath, 20)}: not a snapshot (.npz) file", OneLine(output));
            Assert.Contains("the snapshot is damaged and no earlier one of the run is sound (2 checked), so start it again with resonance run", OneLine(output));
            Assert.DoesNotContain("   at ", output);
        }
    }

    public class Training_checkpoints(PristineTrainingRun pristine) : IClassFixture<PristineTrainingRun>
    {
        [Fact]
        public void Every_damaged_copy_of_last_ckpt_without_best_ckpt_is_refused_in_one_line()
        {
            using var folder = new TempFolder();
            string runPath = pristine.CopyInto(folder);
            string last = Path.Combine(runPath, "checkpoints", "last.ckpt");
            File.Delete(Path.Combine(runPath, "checkpoints", "best.ckpt"));
            byte[] original = File.ReadAllBytes(last);
            foreach (var (variant, bytes) in DamagedFiles.Variants(original, seed: 5))
            {
                File.WriteAllBytes(last, bytes);
                var (code, output) = CliHarness.Run("run", "--resume", runPath);
                Assert.True(code == 2, $"{variant}: exit {code}\n{output}");
                Assert.StartsWith($"error: {last}: ", Error(output));
                Assert.EndsWith($"start the run again with resonance run {Path.Combine(runPath, "config.yaml")} --out NEW_DIR.", Error(output));
                Assert.DoesNotContain("   at ", output);
            }
        }

        [Fact]
        public void A_checkpoint_without_a_checksum_cut_anywhere_is_refused_without_reaching_a_native_abort()
        {
            using var folder = new TempFolder();
            string runPath = pristine.CopyInto(folder);
            string last = Path.Combine(runPath, "checkpoints", "last.ckpt");
            File.Delete(Path.Combine(runPath, "checkpoints", "best.ckpt"));
            // Format 2 is format 3 without the length and checksum: the cut body goes straight to TorchSharp's load.
            byte[] format3 = File.ReadAllBytes(last);
            int header = 1 + format3[0];
            byte[] body = format3[(header + 8 + 32)..];
            byte[] format2 = [.. new[] { (byte)22 }, .. "resonance-checkpoint/2"u8.ToArray(), .. body];
            File.WriteAllBytes(last, format2);
            var (code, output) = CliHarness.Run("run", "--resume", runPath);
            Assert.True(code == 0, output);

            foreach (var (variant, bytes) in DamagedFiles.Variants(format2, seed: 6).Where(v => v.Name.StartsWith("cut", StringComparison.Ordinal)))
            {
                File.WriteAllBytes(last, bytes);
                File.Delete(Path.Combine(runPath, "checkpoints", "best.ckpt"));
                (code, output) = CliHarness.Run("run", "--resume", runPath);
                Assert.True(code == 2, $"{variant}: exit {code}\n{output}");
                Assert.StartsWith($"error: {last}: the checkpoint is damaged or does not match this model (", Error(output));
                Assert.DoesNotContain("   at ", output);
            }
        }

        [Theory]
        [InlineData("empty", "the checkpoint is damaged: the file is empty (0 bytes)")]
        [InlineData("wrong format", "not a Resonance checkpoint (it does not start with resonance-checkpoint/3)")]
        [InlineData("cut", "the checkpoint is damaged: it is cut short (")]
        [InlineData("flipped", "the checkpoint is damaged: its contents do not match their checksum (bytes were changed after it was written)")]
        [InlineData("padded", "the checkpoint is damaged: it has 3 bytes more than it wrote")]
        public void Each_damage_is_named(string damage, string message)
        {
            using var folder = new TempFolder();
            string runPath = pristine.CopyInto(folder);
            string last = Path.Combine(runPath, "checkpoints", "last.ckpt");
            File.Delete(Path.Combine(runPath, "checkpoints", "best.ckpt"));
            byte[] bytes = File.ReadAllBytes(last);
            File.WriteAllBytes(last, damage switch
            {
                "empty" => [],
                "wrong format" => [.. new[] { (byte)22 }, .. "resonance-checkpoint/9"u8.ToArray(), .. bytes[23..]],
                "cut" => bytes[..(bytes.Length - 100)],
                "flipped" => [.. bytes[..^50], (byte)(bytes[^50] ^ 0x10), .. bytes[^49..]],
                "padded" => [.. bytes, 1, 2, 3],
                _ => throw new ArgumentException(damage),
            });

            var (code, output) = CliHarness.Run("run", "--resume", runPath);

            Assert.True(code == 2, output);
            Assert.StartsWith($"error: {last}: {message}", Error(output));
            Assert.EndsWith($"; start the run again with resonance run {Path.Combine(runPath, "config.yaml")} --out NEW_DIR.", Error(output));
        }

        [Fact]
        public void Resume_falls_back_from_a_damaged_last_ckpt_to_best_ckpt_and_says_so()
        {
            using var folder = new TempFolder();
            string runPath = pristine.CopyInto(folder);
            string last = Path.Combine(runPath, "checkpoints", "last.ckpt"), best = Path.Combine(runPath, "checkpoints", "best.ckpt");
            byte[] bytes = File.ReadAllBytes(last);
            File.WriteAllBytes(last, bytes[..(bytes.Length / 2)]);

            var (code, output) = CliHarness.Run("run", "--resume", runPath);

            Assert.True(code == 0, output);
            Assert.Contains($"{last} is damaged ({last}: the checkpoint is damaged: it is cut short (", OneLine(output));
            Assert.Contains($"continuing from {best} instead.", OneLine(output));
            Assert.Equal("completed", new RunDirectory(runPath).ReadSummary()!["status"]!.GetValue<string>());
        }

        [Fact]
        public void With_both_checkpoints_damaged_resume_names_best_ckpt()
        {
            using var folder = new TempFolder();
            string runPath = pristine.CopyInto(folder);
            string last = Path.Combine(runPath, "checkpoints", "last.ckpt"), best = Path.Combine(runPath, "checkpoints", "best.ckpt");
            File.WriteAllBytes(last, []);
            File.WriteAllBytes(best, [1, 2, 3]);

            var (code, output) = CliHarness.Run("run", "--resume", runPath);

            Assert.True(code == 2, output);
            Assert.Contains($"{last} is damaged (", OneLine(output));
            Assert.StartsWith($"error: {best}: not a Resonance checkpoint", Error(output));
            Assert.DoesNotContain("   at ", output);
        }
    }

    public class Run_summaries
    {
        [Fact]
        public void Runs_lists_every_damaged_summary_with_its_reason_and_never_crashes()
        {
            using var folder = new TempFolder();
            void Run(string name, string? summary)
            {
                folder.File(Path.Combine(name, "config.yaml"), "kind: sparks\nsparks: { neurons: 16 }\n");
                if (summary is not null) folder.File(Path.Combine(name, "summary.json"), summary);
            }
            Run("good", """{"kind": "sparks", "status": "completed", "started_at": "2025-01-01T00:00:00+00:00", "last_step": 20, "modularity": 0.5}""");
            Run("duplicate-key", """{"status": "completed", "status": "failed"}""");
            Run("not-an-object", "[1, 2, 3]");
            Run("a-number", "42");
            Run("not-json", "{\"status\": ");
            Run("deeply-nested", new string('[', 100_000) + new string(']', 100_000));
            Run("binary", "\0\u0001\u0002\uFFFD");
            Run("no-status", """{"kind": "sparks"}""");
            Run("odd-types", """{"kind": {"a": 1}, "status": 5, "started_at": [1], "last_step": [1, 2], "modularity": {"x": null}, "diagonal_bias": "high", "steps_per_s": true}""");
            Run("odd-figures", """{"kind": "sparks", "status": "completed", "last_step": [1, 2], "modularity": {"x": null}, "diagonal_bias": "high", "steps_per_s": 1e308}""");
            Run("no-summary", null);
            string huge = folder.Combine("huge", "summary.json");
            Run("huge", null);
            using (var stream = File.Create(huge)) stream.SetLength(17L << 20);

            var (code, output) = CliHarness.Run("runs", "--root", folder.Path);
            Assert.True(code == 0, output);
            Assert.DoesNotContain("   at ", output);
            foreach (string name in new[] { "good", "duplicate-key", "not-an-object", "a-number", "not-json", "deeply-nested", "binary", "no-status", "odd-types", "odd-figures", "no-summary", "huge" })
                Assert.Contains(name, output);
            Assert.Contains("summary.json is not a JSON object", output);
            Assert.Contains("summary.json unreadable: Duplicate", output);
            Assert.Contains("far more than a summary", output);
            Assert.Contains("no summary.json", output);

            (code, output) = CliHarness.Run("runs", "--root", folder.Path, "--json");
            Assert.True(code == 0, output);
            var listed = System.Text.Json.Nodes.JsonNode.Parse(output)!.AsArray();
            Assert.Equal(12, listed.Count);
            Assert.All(listed.Where(run => run!["run"]!.GetValue<string>() is not ("good" or "odd-figures")), run => Assert.NotNull(run!["problem"]));
        }
    }
}
