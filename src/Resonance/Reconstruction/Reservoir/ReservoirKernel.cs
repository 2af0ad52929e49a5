using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// The echo state network's step in managed code: the recurrent matrix in compressed sparse rows, the input weights and bias dense,
/// float32 throughout. <c>x_t = (1 − a) x_{t−1} + a tanh(W x_{t−1} + W_in u_t + b)</c>.
/// </summary>
/// <remarks>
/// Why not TorchSharp per step: a step is one sparse product (about <c>N² c</c> multiply-adds, 100,000 at N = 1,000, c = 0.1) and a tanh,
/// a few microseconds of arithmetic, while each TorchSharp call costs microseconds of its own and libtorch has no CSR product in this
/// build; and a dense product reads the whole <c>N × N</c> matrix (4 MB) every step. Here a step reads the nonzeros once (0.8 MB at
/// that size) in one thread, with four partial sums per row and <see cref="TensorPrimitives.Tanh(ReadOnlySpan{float}, Span{float})"/>.
/// </remarks>
internal sealed class ReservoirKernel
{
    readonly int[] rowStart, columns;
    readonly float[] values, inputWeights, bias;
    readonly float leak;

    /// <summary>Reservoir units N.</summary>
    public int Units { get; }
    /// <summary>Input size D.</summary>
    public int Inputs { get; }

    /// <param name="recurrent"><c>W</c>, <c>(N, N)</c>, dense; its zeros are left out.</param>
    /// <param name="input"><c>W_in</c>, <c>(N, D)</c>.</param>
    /// <param name="bias"><c>b</c>, <c>(N)</c>.</param>
    /// <param name="leakRate">a.</param>
    public ReservoirKernel(Tensor recurrent, Tensor input, Tensor bias, double leakRate)
    {
        Units = (int)recurrent.shape[0];
        Inputs = (int)input.shape[1];
        float[] dense = Floats(recurrent);
        rowStart = new int[Units + 1];
        var columnList = new List<int>();
        var valueList = new List<float>();
        for (int i = 0; i < Units; i++)
        {
            for (int j = 0; j < Units; j++)
                if (dense[i * Units + j] != 0)
                {
                    columnList.Add(j);
                    valueList.Add(dense[i * Units + j]);
                }
            rowStart[i + 1] = columnList.Count;
        }
        columns = [.. columnList];
        values = [.. valueList];
        inputWeights = Floats(input);
        this.bias = Floats(bias);
        leak = (float)leakRate;
    }

    /// <summary>The values of <paramref name="tensor"/> as float32, row-major.</summary>
    public static float[] Floats(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
    }

    /// <summary>Rows <paramref name="from"/> to <paramref name="to"/> (exclusive) of one step,
    /// <c>next = (1 − a) previous + a tanh(W previous + W_in u + b)</c>; sizes are the caller's to check.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // optimised from the first call: benchmarks time the same code every run
    void StepRows(ReadOnlySpan<float> previous, ReadOnlySpan<float> input, Span<float> next, int from, int to)
    {
        ref int start = ref MemoryMarshal.GetArrayDataReference(rowStart);
        ref int column = ref MemoryMarshal.GetArrayDataReference(columns);
        ref float value = ref MemoryMarshal.GetArrayDataReference(values);
        ref float x = ref MemoryMarshal.GetReference(previous);
        ref float inputWeight = ref MemoryMarshal.GetArrayDataReference(inputWeights);
        ref float u = ref MemoryMarshal.GetReference(input);
        ref float biasValue = ref MemoryMarshal.GetArrayDataReference(bias);
        ref float output = ref MemoryMarshal.GetReference(next);
        for (int i = from; i < to; i++)
        {
            float drive = Unsafe.Add(ref biasValue, i);
            for (int d = 0; d < Inputs; d++) drive += Unsafe.Add(ref inputWeight, i * Inputs + d) * Unsafe.Add(ref u, d);
            int k = Unsafe.Add(ref start, i), end = Unsafe.Add(ref start, i + 1);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; k + 3 < end; k += 4)
            {
                s0 += Unsafe.Add(ref value, k) * Unsafe.Add(ref x, Unsafe.Add(ref column, k));
                s1 += Unsafe.Add(ref value, k + 1) * Unsafe.Add(ref x, Unsafe.Add(ref column, k + 1));
                s2 += Unsafe.Add(ref value, k + 2) * Unsafe.Add(ref x, Unsafe.Add(ref column, k + 2));
                s3 += Unsafe.Add(ref value, k + 3) * Unsafe.Add(ref x, Unsafe.Add(ref column, k + 3));
            }
            for (; k < end; k++) s0 += Unsafe.Add(ref value, k) * Unsafe.Add(ref x, Unsafe.Add(ref column, k));
            Unsafe.Add(ref output, i) = (s0 + s1) + (s2 + s3) + drive;
        }
        var rows = next[from..to];
        TensorPrimitives.Tanh(rows, rows);
        if (leak != 1)
        {
            TensorPrimitives.Multiply(rows, leak, rows);
            TensorPrimitives.MultiplyAdd(previous[from..to], 1 - leak, rows, rows);
        }
    }

    /// <summary>Nonzero recurrent weights from which a step is split over two threads: below it (about 20 µs of arithmetic
    /// a step) the two hand-offs a step costs are not worth it.</summary>
    const int SplitFromNonzeros = 20_000;

    /// <summary>A stepper for a run of many steps: alone, or with a second thread that takes the rows after
    /// <see cref="split"/> when the reservoir is large enough and libtorch was given at least two threads (the CLI's
    /// <c>--threads</c>). Dispose it when the run ends (its worker spins while the run lasts).</summary>
    public Stepper Begin(int steps) =>
        new(this, steps >= 64 && values.Length >= SplitFromNonzeros && Environment.ProcessorCount >= 2 && TorchSharp.torch.get_num_threads() >= 2);

    /// <summary>The row where the nonzeros are split in half (so both threads read as many weights).</summary>
    int Split()
    {
        int half = values.Length / 2, row = Array.BinarySearch(rowStart, half);
        return Math.Clamp(row < 0 ? ~row : row, 1, Units - 1);
    }

    /// <summary>
    /// Steps a reservoir, its rows split over the calling thread and one worker thread when asked for. The state is
    /// sequential in time, so a step is the only unit to share: the caller posts the step (its arrays in fields, then the
    /// step number with release semantics), both compute their rows, and the caller waits for the worker's step number.
    /// Each row is computed the same way whichever thread takes it. Written by hand: a hand-off in well under a
    /// microsecond needs spinning; Parallel.For or a Barrier costs several per step, which is what a step of N = 500 takes.
    /// </summary>
    public sealed class Stepper : IDisposable
    {
        readonly ReservoirKernel kernel;
        readonly Thread? worker;
        readonly int split;
        float[] previous = [], inputs = [], next = [];
        int inputOffset;
        int posted, done;                                                             // step numbers (Volatile)
        volatile bool ending;

        internal Stepper(ReservoirKernel kernel, bool twoThreads)
        {
            this.kernel = kernel;
            if (!twoThreads) return;
            split = kernel.Split();
            worker = new Thread(Work) { IsBackground = true, Name = "reservoir rows" };
            worker.Start();
        }

        /// <summary>Whether a second thread takes part.</summary>
        public bool Split => worker is not null;

        /// <summary><paramref name="next"/> <c>= step(previous, inputs[inputOffset .. inputOffset + D])</c>.</summary>
        public void Step(float[] previous, float[] inputs, int inputOffset, float[] next)
        {
            if (previous.Length != kernel.Units || next.Length != kernel.Units || inputOffset < 0 || inputOffset + kernel.Inputs > inputs.Length)
                throw new ArgumentException("state or input of the wrong size");
            var input = inputs.AsSpan(inputOffset, kernel.Inputs);
            if (worker is null)
            {
                kernel.StepRows(previous, input, next, 0, kernel.Units);
                return;
            }
            (this.previous, this.inputs, this.inputOffset, this.next) = (previous, inputs, inputOffset, next);
            int step = posted + 1;
            Volatile.Write(ref posted, step);
            kernel.StepRows(previous, input, next, 0, split);
            var spin = new SpinWait();
            while (Volatile.Read(ref done) != step) spin.SpinOnce(sleep1Threshold: -1);
        }

        void Work()
        {
            int seen = 0;
            while (true)
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref posted) == seen && !ending) spin.SpinOnce(sleep1Threshold: -1);
                if (ending) return;
                seen = Volatile.Read(ref posted);
                kernel.StepRows(previous, inputs.AsSpan(inputOffset, kernel.Inputs), next, split, kernel.Units);
                Volatile.Write(ref done, seen);
            }
        }

        /// <summary>Ends the worker.</summary>
        public void Dispose()
        {
            if (worker is null || ending) return;
            ending = true;
            worker.Join();
        }
    }

    /// <summary>Drives the reservoir through every row of <paramref name="inputs"/>.</summary>
    /// <param name="inputs"><c>T × D</c> values, row-major.</param>
    /// <param name="initial"><c>x_{−1}</c>, N values.</param>
    /// <returns><c>T × N</c> states, row-major.</returns>
    public float[] Run(float[] inputs, ReadOnlySpan<float> initial)
    {
        int steps = inputs.Length / Inputs;
        var states = new float[(long)steps * Units];
        Run(inputs, 0, steps, initial, states, rowStride: Units, columnOffset: 0, skip: 0);
        return states;
    }

    /// <summary>Drives the reservoir through rows <paramref name="firstRow"/> … <paramref name="firstRow"/> + <paramref name="steps"/> − 1
    /// of <paramref name="inputs"/> and writes the states after the first <paramref name="skip"/> into rows of
    /// <paramref name="destination"/> (e.g. straight into a feature matrix), with no other allocation.</summary>
    /// <param name="inputs"><c>T × D</c> values, row-major.</param>
    /// <param name="firstRow">The first input row used.</param>
    /// <param name="steps">Input rows used.</param>
    /// <param name="initial"><c>x_{−1}</c>, N values.</param>
    /// <param name="destination"><c>(steps − skip) × rowStride</c> values; state <c>x_t</c>, t ≥ skip, goes to row <c>t − skip</c>, columns
    /// <c>columnOffset … columnOffset + N − 1</c>; the other columns are left alone.</param>
    /// <param name="rowStride">Values per destination row, at least <c>columnOffset + N</c>.</param>
    /// <param name="columnOffset">First column of the state in a row.</param>
    /// <param name="skip">Leading states not written (a washout).</param>
    /// <returns>The last state <c>x_{T−1}</c>, N values.</returns>
    public float[] Run(float[] inputs, int firstRow, int steps, ReadOnlySpan<float> initial, Span<float> destination, int rowStride, int columnOffset, int skip)
    {
        if (rowStride < columnOffset + Units || (long)destination.Length < (long)Math.Max(0, steps - skip) * rowStride)
            throw new ArgumentException("destination too small for the states");
        if (firstRow < 0 || (long)(firstRow + steps) * Inputs > inputs.Length) throw new ArgumentException("input rows out of range");
        float[] previous = initial.ToArray(), next = new float[Units];
        using var stepper = Begin(steps);
        for (int t = 0; t < steps; t++)
        {
            stepper.Step(previous, inputs, (firstRow + t) * Inputs, next);
            (previous, next) = (next, previous);
            if (t >= skip) previous.CopyTo(destination.Slice((t - skip) * rowStride + columnOffset, Units));
        }
        return previous;
    }
}
