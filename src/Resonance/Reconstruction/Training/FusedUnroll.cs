using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// The teacher-forced unroll of <see cref="TeacherForcing"/>, its loss and the loss's gradients, for a shallow PLRNN (plain or
/// clipped) or an AL-RNN with the identity observation on the CPU, computed by hand in float64: forward over the sequence,
/// then backpropagation through time in closed form.
/// </summary>
/// <remarks>
/// Written by hand because no library does this well at these sizes: a step of a 3-unit shPLRNN over 16 sequences is a few
/// thousand multiply-adds, while TorchSharp dispatches about 20 operations a step for the forward and the backward, each
/// costing microseconds; the unroll of 200 steps is all dispatch. The same computation here costs a small fraction of that
/// (<c>resonance bench --only shplrnn-gtf</c> times both). The math is the autograd path's, step for step:
/// <code>
/// forward, t = 1..T:   p_t = F(s_{t−1}),  s₀ = [x₀ ; L x₀]
///                      s_t = p_t  with the first N units (1 − α_t) p_t + α_t x_t     (α_t = 1: x_t, no gradient through p_t)
///                                 and, without partial forcing, the others (1 − α_t) p_t
/// loss                 = mean_{b,t,n} (p_{t,n} − x_{t,n})²
/// backward, t = T..1:  δp_t = ∂loss/∂p_t + (1 − α_t) δs_t on the first N units (on all without partial forcing), δs_t on the others
///                      δs_{t−1} = J_F(s_{t−1})ᵀ δp_t,  parameter gradients summed over b and t
///                      δL = δs₀[N..M] x₀ᵀ
/// </code>
/// Shallow PLRNN, <c>u = W₂ s + h₂</c>, <c>r = relu(u)</c> (clipped: <c>− relu(W₂ s)</c>), <c>p = A ⊙ s + W₁ r + h₁</c>:
/// <c>δA += δp ⊙ s</c>, <c>δh₁ += δp</c>, <c>δW₁ += δp rᵀ</c>, <c>δu = (W₁ᵀ δp) ⊙ 1[u &gt; 0]</c> (clipped: <c>δv = −(W₁ᵀ δp) ⊙ 1[W₂ s &gt; 0]</c>),
/// <c>δh₂ += δu</c>, <c>δW₂ += (δu + δv) sᵀ</c>, <c>δs = A ⊙ δp + W₂ᵀ (δu + δv)</c>. AL-RNN, <c>p = A ⊙ s + W φ(s) + h</c>:
/// <c>δA += δp ⊙ s</c>, <c>δh += δp</c>, <c>δW += δp φᵀ</c>, <c>δs = A ⊙ δp + (Wᵀ δp) ⊙ φ′(s)</c>. ReLU's derivative is 0 at 0, as
/// torch's. The penalties are left to autograd (<see cref="ReconstructionTrainer"/> adds them): they do not depend on the data.
/// </remarks>
internal sealed class FusedUnroll
{
    readonly LatentModel model;
    readonly IdentityObservation observation;
    readonly TorchSharp.Modules.Parameter[] parameters;   // in the order of the gradients below
    readonly int m, n, hidden;                             // M, N, L (L = 0 for the AL-RNN)
    readonly bool clipped;
    readonly int linearUnits;                              // AL-RNN: M − P
    double[] states = [], predictions = [], drives = [], rectified = [], rows = [], alphas = [], deltas = [], transposed = [], transposedGradient = [];
    double[][]? theta, grads;

    FusedUnroll(LatentModel model, IdentityObservation observation)
    {
        this.model = model;
        this.observation = observation;
        m = model.LatentSize;
        n = observation.ObservedSize;
        switch (model)
        {
            case ShallowPlrnn plrnn:
                hidden = plrnn.HiddenSize;
                clipped = plrnn.Options.Clipped;
                parameters = [plrnn.A, plrnn.W1, plrnn.W2, plrnn.h1, plrnn.h2];
                break;
            case AlRnn alrnn:
                linearUnits = alrnn.LinearUnits;
                parameters = [alrnn.A, alrnn.W, alrnn.h];
                break;
            default: throw new ArgumentException($"no fused unroll for {model.GetType().Name}", nameof(model));
        }
        if (observation.L is not null) parameters = [.. parameters, observation.L];
    }

    /// <summary>A fused unroll for <paramref name="model"/> and <paramref name="observation"/>, or null where it does not apply
    /// (another model or observation, parameters off the CPU or not float32/float64): the caller then takes the autograd path.</summary>
    public static FusedUnroll? TryCreate(LatentModel model, ObservationModel observation)
    {
        if (model is not (ShallowPlrnn or AlRnn) || observation is not IdentityObservation identity) return null;
        var all = model.parameters().Concat(observation.parameters()).ToList();
        if (all.Any(p => p.device_type != DeviceType.CPU || (p.dtype != ScalarType.Float32 && p.dtype != ScalarType.Float64))) return null;
        return new FusedUnroll(model, identity);
    }

    /// <summary>The trained parameters, in the order of <see cref="Run"/>'s gradients.</summary>
    public IReadOnlyList<TorchSharp.Modules.Parameter> Parameters => parameters;

    /// <summary>Runs the forced unroll over <paramref name="windows"/> and returns the loss and its gradient for each of
    /// <see cref="Parameters"/> (same shapes, flattened row-major, float64; the arrays are reused by the next call).</summary>
    /// <param name="windows">Observations <c>x₀..x_T</c>, <c>(B, T + 1, N)</c>.</param>
    /// <param name="alphaAt"><c>α_t</c> in [0, 1] for <c>t = 1..T</c>.</param>
    /// <param name="partial">Force the observed units only (true), or pull the unobserved ones towards 0 with the same
    /// <c>α_t</c> (<see cref="TeacherForcing.Unroll"/>).</param>
    public (double Loss, double[][] Gradients) Run(Tensor windows, Func<int, double> alphaAt, bool partial = true)
    {
        Models.ShapeChecks.Require(windows, nameof(windows), -1, -1, n);
        int batch = (int)windows.shape[0], steps = (int)windows.shape[1] - 1;
        // Buffers kept from call to call: a training makes a hundred thousand calls, and garbage from each would bring collections
        // (costly, and where TorchSharp's Scalars are at risk: NoCollections).
        double[] x = Buffer(ref rows, batch * (steps + 1) * n);
        using (var cpu = windows.detach().cpu().to(ScalarType.Float64).contiguous()) cpu.data<double>().CopyTo(x);
        theta ??= [.. parameters.Select(p => new double[p.numel()])];
        for (int i = 0; i < parameters.Length; i++) Values(parameters[i], theta[i]);
        grads ??= [.. theta.Select(p => new double[p.Length])];
        foreach (double[] g in grads) Array.Clear(g);
        double[] alpha = Buffer(ref alphas, steps + 1);
        for (int t = 1; t <= steps; t++) alpha[t] = alphaAt(t);

        // s[t] (t = 0..T−1) is the state the step t + 1 starts from; p[t] (t = 1..T) the prediction; pre[t] the hidden drive u.
        double[] s = Buffer(ref states, steps * batch * m);
        double[] p = Buffer(ref predictions, (steps + 1) * batch * m);
        double[] pre = Buffer(ref drives, steps * batch * hidden);
        int rowStride = (steps + 1) * n;                                    // one window in x
        for (int b = 0; b < batch; b++)
        {
            Span<double> s0 = s.AsSpan(b * m, m);
            ReadOnlySpan<double> x0 = x.AsSpan(b * rowStride, n);
            x0.CopyTo(s0);
            if (observation.L is not null)
            {
                double[] l = theta[^1];                                      // (M − N, N)
                for (int j = 0; j < m - n; j++) s0[n + j] = TensorPrimitives.Dot(l.AsSpan(j * n, n), x0);
            }
        }
        double loss = 0, scale = 2.0 / ((double)batch * steps * n);
        var r = new double[Math.Max(hidden, m)];
        double[] activations = Buffer(ref rectified, steps * batch * hidden);   // r at each state, for the backward
        double[] w2t = hidden > 0 ? Transpose(theta[2], hidden, m, Buffer(ref transposed, hidden * m)) : [];
        double[] dw2t = Buffer(ref transposedGradient, hidden * m);
        Array.Clear(dw2t);
        for (int t = 1; t <= steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<double> state = s.AsSpan(((t - 1) * batch + b) * m, m);
                Span<double> prediction = p.AsSpan((t * batch + b) * m, m);
                int at = ((t - 1) * batch + b) * hidden;
                if (hidden > 0) ForwardPlrnn(theta, w2t, state, prediction, pre.AsSpan(at, hidden), activations.AsSpan(at, hidden));
                else ForwardAlRnn(theta, state, prediction, r);
                ReadOnlySpan<double> target = x.AsSpan(b * rowStride + t * n, n);
                for (int i = 0; i < n; i++) { double e = prediction[i] - target[i]; loss += e * e; }
                if (t == steps) continue;
                Span<double> next = s.AsSpan((t * batch + b) * m, m);
                prediction.CopyTo(next);
                double a = alpha[t];
                if (a == 1) target.CopyTo(next);
                else if (a != 0) for (int i = 0; i < n; i++) next[i] = prediction[i] + a * (target[i] - prediction[i]);
                if (!partial && a != 0) for (int i = n; i < m; i++) next[i] = a == 1 ? 0 : prediction[i] - a * prediction[i];
            }
        }
        loss /= (double)batch * steps * n;

        double[] delta = Buffer(ref deltas, batch * m);                     // δs_t, from δs_T = 0
        Array.Clear(delta);
        var dp = new double[m];
        var work = new double[Math.Max(hidden, m)];
        var work2 = new double[hidden];
        for (int t = steps; t >= 1; t--)
        {
            double a = alpha[t];
            for (int b = 0; b < batch; b++)
            {
                Span<double> ds = delta.AsSpan(b * m, m);
                ReadOnlySpan<double> prediction = p.AsSpan((t * batch + b) * m, m);
                ReadOnlySpan<double> target = x.AsSpan(b * rowStride + t * n, n);
                int blended = partial ? n : m;                                  // units whose next state is (1 − α) p + α ẑ
                for (int i = 0; i < m; i++) dp[i] = i < blended ? (1 - a) * ds[i] : ds[i];
                for (int i = 0; i < n; i++) dp[i] += scale * (prediction[i] - target[i]);
                ReadOnlySpan<double> state = s.AsSpan(((t - 1) * batch + b) * m, m);
                int at = ((t - 1) * batch + b) * hidden;
                if (hidden > 0) BackwardPlrnn(theta, grads, w2t, dw2t, state, pre.AsSpan(at, hidden), activations.AsSpan(at, hidden), dp, ds, work, work2);
                else BackwardAlRnn(theta, grads, state, dp, ds, work);
            }
        }
        if (hidden > 0) Transpose(dw2t, m, hidden, grads[2]);
        if (observation.L is not null)
        {
            double[] dl = grads[^1];
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<double> x0 = x.AsSpan(b * rowStride, n);
                for (int j = 0; j < m - n; j++) TensorPrimitives.MultiplyAdd(x0, delta[b * m + n + j], dl.AsSpan(j * n, n), dl.AsSpan(j * n, n));
            }
        }
        return (loss, grads);
    }

    /// <summary>The model run freely (no forcing) from the latent state inferred from <paramref name="first"/>, as
    /// <see cref="FreeRun.Generate"/> computes it but in float64 without dispatch (model selection scores one such run every
    /// few epochs).</summary>
    /// <param name="first"><c>x₀</c>, N values.</param>
    /// <param name="steps">Rows, the first being <c>x₀</c>.</param>
    /// <returns><c>(steps, N)</c>, float64, on the CPU.</returns>
    public Tensor Generate(ReadOnlySpan<double> first, int steps)
    {
        if (first.Length != n) throw new ArgumentException($"first: expected {n} values, got {first.Length}", nameof(first));
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        theta ??= [.. parameters.Select(p => new double[p.numel()])];
        for (int i = 0; i < parameters.Length; i++) Values(parameters[i], theta[i]);
        double[] w2t = hidden > 0 ? Transpose(theta[2], hidden, m, Buffer(ref transposed, hidden * m)) : [];
        var state = new double[m];
        var next = new double[m];
        var drive = new double[hidden];
        var work = new double[Math.Max(hidden, m)];
        first.CopyTo(state);
        if (observation.L is not null)
            for (int j = 0; j < m - n; j++) state[n + j] = TensorPrimitives.Dot(theta[^1].AsSpan(j * n, n), first);
        var rows = new double[(long)steps * n];
        first.CopyTo(rows);
        for (int t = 1; t < steps; t++)
        {
            if (hidden > 0) ForwardPlrnn(theta, w2t, state, next, drive, work);
            else ForwardAlRnn(theta, state, next, work);
            (state, next) = (next, state);
            state.AsSpan(0, n).CopyTo(rows.AsSpan(t * n, n));
        }
        return tensor(rows, [steps, n], ScalarType.Float64);
    }

    /// <summary>Adds <paramref name="gradients"/> (from <see cref="Run"/>) to the parameters' <c>.grad</c>, through one backward of
    /// <c>Σ_i ⟨θ_i, g_i⟩</c> (its gradient is <c>g_i</c>), together with <paramref name="extra"/> (the penalties) when given.</summary>
    public void Accumulate(double[][] gradients, Tensor? extra)
    {
        using var scope = NewDisposeScope();
        Tensor objective = extra ?? zeros(1, parameters[0].dtype).sum();
        for (int i = 0; i < parameters.Length; i++)
        {
            Tensor g = tensor(gradients[i], parameters[i].dtype).reshape(parameters[i].shape);
            objective = objective + (parameters[i] * g).sum();
        }
        objective.backward();
    }

    // The PLRNN's step runs along the hidden layer (L wide) so that each operation is one vectorised call: W₂ is used as W₂ᵀ (M, L),
    // its gradient gathered as δW₂ᵀ and transposed at the end (Run).
    void ForwardPlrnn(double[][] theta, double[] w2t, ReadOnlySpan<double> state, Span<double> prediction, Span<double> drive, Span<double> rr)
    {
        double[] a = theta[0], w1 = theta[1], h1 = theta[3], h2 = theta[4];
        h2.AsSpan().CopyTo(drive);
        for (int c = 0; c < m; c++) TensorPrimitives.MultiplyAdd(w2t.AsSpan(c * hidden, hidden), state[c], drive, drive);   // u = W₂ s + h₂
        if (clipped) for (int l = 0; l < hidden; l++) rr[l] = Math.Max(drive[l], 0) - Math.Max(drive[l] - h2[l], 0);
        else TensorPrimitives.Max(drive, 0.0, rr);
        for (int i = 0; i < m; i++) prediction[i] = a[i] * state[i] + h1[i] + TensorPrimitives.Dot(w1.AsSpan(i * hidden, hidden), rr);
    }

    void BackwardPlrnn(double[][] theta, double[][] grads, double[] w2t, double[] dw2t, ReadOnlySpan<double> state, ReadOnlySpan<double> drive,
        ReadOnlySpan<double> rr, ReadOnlySpan<double> dp, Span<double> ds, Span<double> dr, Span<double> dz)
    {
        double[] a = theta[0], w1 = theta[1], h2 = theta[4];
        double[] da = grads[0], dw1 = grads[1], dh1 = grads[3], dh2 = grads[4];
        dr.Clear();
        for (int i = 0; i < m; i++)
        {
            double g = dp[i];
            da[i] += g * state[i];
            dh1[i] += g;
            TensorPrimitives.MultiplyAdd(rr, g, dw1.AsSpan(i * hidden, hidden), dw1.AsSpan(i * hidden, hidden));   // δW₁ += δp rᵀ
            TensorPrimitives.MultiplyAdd(w1.AsSpan(i * hidden, hidden), g, dr, dr);                                 // W₁ᵀ δp
        }
        for (int l = 0; l < hidden; l++)
        {
            double u = drive[l];
            double du = u > 0 ? dr[l] : 0;
            dh2[l] += du;
            dz[l] = clipped && u - h2[l] > 0 ? du - dr[l] : du;                                                     // δu + δv
        }
        for (int c = 0; c < m; c++)
        {
            TensorPrimitives.MultiplyAdd(dz, state[c], dw2t.AsSpan(c * hidden, hidden), dw2t.AsSpan(c * hidden, hidden)); // δW₂ᵀ += s δzᵀ
            ds[c] = a[c] * dp[c] + TensorPrimitives.Dot(w2t.AsSpan(c * hidden, hidden), dz);                        // A δp + W₂ᵀ δz
        }
    }

    void ForwardAlRnn(double[][] theta, ReadOnlySpan<double> state, Span<double> prediction, double[] phi)
    {
        double[] a = theta[0], w = theta[1], h = theta[2];
        Span<double> f = phi.AsSpan(0, m);
        for (int c = 0; c < m; c++) f[c] = c < linearUnits ? state[c] : Math.Max(state[c], 0);
        for (int i = 0; i < m; i++) prediction[i] = a[i] * state[i] + h[i] + TensorPrimitives.Dot(w.AsSpan(i * m, m), f);
    }

    void BackwardAlRnn(double[][] theta, double[][] grads, ReadOnlySpan<double> state, ReadOnlySpan<double> dp, Span<double> ds, double[] work)
    {
        double[] a = theta[0], w = theta[1];
        double[] da = grads[0], dw = grads[1], dh = grads[2];
        Span<double> f = work.AsSpan(0, m);
        for (int c = 0; c < m; c++) f[c] = c < linearUnits ? state[c] : Math.Max(state[c], 0);
        Span<double> back = stackalloc double[m];
        back.Clear();
        for (int i = 0; i < m; i++)
        {
            double g = dp[i];
            da[i] += g * state[i];
            dh[i] += g;
            if (g == 0) continue;
            TensorPrimitives.MultiplyAdd(f, g, dw.AsSpan(i * m, m), dw.AsSpan(i * m, m));     // δW += δp φᵀ
            TensorPrimitives.MultiplyAdd(w.AsSpan(i * m, m), g, back, back);                  // Wᵀ δp
        }
        for (int c = 0; c < m; c++) ds[c] = a[c] * dp[c] + (c < linearUnits || state[c] > 0 ? back[c] : 0);
    }

    static double[] Buffer(ref double[] kept, int length)
    {
        if (kept.Length < length) kept = new double[length];
        return kept;
    }

    static double[] Transpose(double[] matrix, int rows, int columns, double[] result)
    {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) result[j * rows + i] = matrix[i * columns + j];
        return result;
    }

    static void Values(TorchSharp.Modules.Parameter parameter, double[] into)
    {
        using var values = parameter.detach().to(ScalarType.Float64).contiguous();
        values.data<double>().CopyTo(into);
    }
}
