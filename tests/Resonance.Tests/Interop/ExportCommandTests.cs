using Resonance.Data;
using Resonance.Runs;
using Resonance.Tests.Cli;
using Resonance.Tests.Training;

namespace Resonance.Tests.Interop;

/// <summary><c>resonance export</c> and <c>resonance run --init-from</c> end to end on a tiny trained tanh RNN, with NumPy
/// reading what was written and writing what Resonance reads.</summary>
public class ExportCommandTests
{
    static RunDirectory TrainedRun(TempFolder folder)
    {
        var run = new RunDirectory(folder.Combine("run"));
        TrainingHarness.Start(TrainingHarness.Experiment(TrainingHarness.Tiny, null, "training.epochs=1"), run);
        return run;
    }

    [Fact]
    public void Export_writes_npz_and_sidecar_that_numpy_reads_exactly_and_the_run_restarts_from_them()
    {
        using var folder = new TempFolder();
        var run = TrainedRun(folder);
        string npz = folder.Combine("w.npz");

        var (code, output) = CliHarness.Run(["export", run.Path, "--format", "npz", "--out", npz]);

        Assert.True(code == 0, output);
        Assert.Contains("exported 6 tensors of rnn (torch.nn.RNN names)", output.Replace("\n", ""));
        string sidecar = File.ReadAllText(npz + ".json");
        Assert.Contains("\"module\": \"torch.nn.RNN\"", sidecar);
        // NumPy re-saves each array as .npy; the bytes Resonance reads back equal those it wrote.
        string listing = PythonTorch.Run("""
            import sys, numpy as np
            a = np.load(sys.argv[1])
            for k in sorted(a.files):
                np.save(k + ".npy", a[k]); print(k, a[k].dtype, a[k].shape)
            """, folder.Path, npz);
        Assert.Contains("weight_hh_l0 float32 (12, 12)", listing);
        Assert.Contains("fc.weight float32", listing);
        using var exported = Resonance.Interop.WeightFile.Read(npz).ToDisposable(out var tensors);
        foreach (var (name, tensor) in tensors)
            Assert.Equal(tensor.data<float>().ToArray(), NpyReader.Read(folder.Combine(name + ".npy")).ToFloats());

        // The npz starts a new run from the exported weights.
        (code, output) = CliHarness.Run(["run", run.ConfigPath, "--init-from", npz, "--out", folder.Combine("again"), "--set", "training.epochs=1"]);
        Assert.True(code == 0, output);
        Assert.Contains("init_from: " + npz, File.ReadAllText(Path.Combine(folder.Combine("again"), "config.yaml")));
    }

    [Fact]
    public void A_missing_run_dir_is_one_line_and_exit_2()
    {
        using var folder = new TempFolder();
        var (code, output) = CliHarness.Run(["export", folder.Combine("nothing")]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", output);
        Assert.Contains("no such folder", output.Replace("\n", ""));
    }

    [Fact]
    public void Weights_of_another_size_name_the_tensor_and_both_shapes()
    {
        using var folder = new TempFolder();
        var run = TrainedRun(folder);
        string file = folder.Combine("w.safetensors");
        Assert.Equal(0, CliHarness.Run(["export", run.Path, "--out", file]).ExitCode);

        var (code, output) = CliHarness.Run(["run", run.ConfigPath, "--init-from", file, "--set", "model.hidden=10", "--out", folder.Combine("bad")]);

        Assert.Equal(2, code);
        string message = output.Replace("\n", "");
        Assert.Contains("tensor weight_ih_l0 has shape (12, ", message);
        Assert.Contains("expected (10, ", message);
    }

    [Fact]
    public void Numpy_arrays_read_exactly_in_either_order_and_other_dtypes_are_refused()
    {
        using var folder = new TempFolder();
        PythonTorch.Run("""
            import numpy as np
            a = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7
            np.save("f64.npy", a); np.save("f32.npy", a.astype(np.float32))
            np.save("fortran.npy", np.asfortranarray(a)); np.save("ints.npy", np.arange(5))
            """, folder.Path);
        var f64 = NpyReader.Read(folder.Combine("f64.npy"));
        Assert.Equal([2, 3, 4], f64.Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => i / 7.0), f64.ToDoubles());
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (float)(i / 7.0)), NpyReader.Read(folder.Combine("f32.npy")).ToFloats());
        var fortran = NpyReader.Read(folder.Combine("fortran.npy"));                                 // column-major on disk
        Assert.Equal([2, 3, 4], fortran.Shape);
        Assert.Equal(f64.ToDoubles(), fortran.ToDoubles());
        Assert.Contains("dtype <i8, expected float32", Assert.Throws<UserInputException>(() => NpyReader.Read(folder.Combine("ints.npy"))).Message);
        // And back: float64 written by Resonance reads in NumPy to the same values.
        NpyFile.Write(folder.Combine("back.npy"), f64.ToDoubles(), f64.Shape);
        string same = PythonTorch.Run("import numpy as np; print(bool((np.load('back.npy') == np.load('f64.npy')).all()))", folder.Path);
        Assert.Equal("True", same.Trim());
    }
}

internal static class DisposableTensors
{
    public static IDisposable ToDisposable(this Dictionary<string, TorchSharp.torch.Tensor> tensors, out Dictionary<string, TorchSharp.torch.Tensor> same)
    {
        same = tensors;
        return new Releaser(tensors);
    }

    sealed class Releaser(Dictionary<string, TorchSharp.torch.Tensor> tensors) : IDisposable
    {
        public void Dispose() { foreach (var t in tensors.Values) t.Dispose(); }
    }
}
