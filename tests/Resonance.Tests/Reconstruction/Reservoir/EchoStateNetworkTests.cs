using Resonance.Reconstruction;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Reservoir;

[NoCollections]
public class EchoStateNetworkTests(ITestOutputHelper output)
{
    static readonly EchoStateOptions Small = new() { Units = 60, SpectralRadius = 0.9, Connectivity = 0.2, InputScaling = 0.5, BiasScaling = 0.2, Washout = 20 };

    [Fact]
    public void The_recurrent_matrix_is_scaled_to_the_spectral_radius()
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small with { SpectralRadius = 1.25 }, inputs: 3, seed: 1);
        double radius = linalg.eigvals(network.Recurrent.to(ScalarType.Float64)).abs().max().item<double>();
        Assert.Equal(1.25, radius, 1e-5);
        double nonzero = network.Recurrent.count_nonzero().item<long>() / (60.0 * 60);
        Assert.InRange(nonzero, 0.15, 0.25);  // connectivity 0.2; 3,600 Bernoulli draws
    }

    [Fact]
    public void The_same_seed_draws_the_same_reservoir_and_another_seed_another()
    {
        using var scope = NewDisposeScope();
        using EchoStateNetwork a = new(Small, 3, seed: 7), b = new(Small, 3, seed: 7), c = new(Small, 3, seed: 8);
        Assert.True(Same(a.Recurrent, b.Recurrent) && Same(a.Input, b.Input) && Same(a.Bias, b.Bias));
        Assert.False(Same(a.Recurrent, c.Recurrent));
        Assert.False(Same(a.Input, c.Input));
    }

    static bool Same(Tensor a, Tensor b) => (a == b).all().item<bool>();

    /// <summary>From x = 0 the first state is <c>a tanh(W_in u_0 + b)</c>, the second <c>(1 − a) x_0 + a tanh(W x_0 + W_in u_1 + b)</c>.</summary>
    [Fact]
    public void Harvest_follows_the_leaky_update()
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small with { LeakRate = 0.3 }, 3, seed: 2);
        Tensor inputs = tensor(new float[] { 0.5f, -1, 2, 1, 0, -0.5f }).reshape(2, 3);
        Tensor states = network.Harvest(inputs);
        Tensor x0 = 0.3f * tanh(network.Input.matmul(inputs[0]) + network.Bias);
        Tensor x1 = 0.7f * x0 + 0.3f * tanh(network.Recurrent.matmul(x0) + network.Input.matmul(inputs[1]) + network.Bias);
        Assert.True(states[0].allclose(x0, rtol: 1e-5, atol: 1e-6));
        Assert.True(states[1].allclose(x1, rtol: 1e-5, atol: 1e-6));
    }

    /// <summary>A reservoir large enough to be stepped by two threads gives the states of one thread (each row is computed the
    /// same way; only the tanh's vector split may differ in the last bit), in the harvest, the driven run and the forecast.</summary>
    [Fact]
    public void Two_threads_step_the_reservoir_as_one_does()
    {
        using var scope = NewDisposeScope();
        var options = Small with { Units = 400, Connectivity = 0.25, LeakRate = 0.3, BiasScaling = 1 };
        using var network = new EchoStateNetwork(options, 3, seed: 3);
        Tensor series = TestSeries.Standardised(TestSeries.Lorenz(600));                       // (600, 3)
        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            Assert.False(new ReservoirKernel(network.Recurrent, network.Input, network.Bias, 0.3).Begin(500).Split);
            Tensor oneHarvest = network.Harvest(series);
            network.FitForecaster(series[..400]);
            Tensor onePredict = network.Predict(series[400..]), oneForecast = network.Forecast(series[..400], 100);

            set_num_threads(2);
            var kernel = new ReservoirKernel(network.Recurrent, network.Input, network.Bias, 0.3);
            using (var stepper = kernel.Begin(500))
                Assert.Equal(Environment.ProcessorCount >= 2, stepper.Split);              // 40,000 nonzeros: split when two cores exist
            Assert.True(network.Harvest(series).allclose(oneHarvest, rtol: 0, atol: 1e-6));
            Assert.True(network.Predict(series[400..]).allclose(onePredict, rtol: 0, atol: 1e-5));
            Assert.True(network.Forecast(series[..400], 100).allclose(oneForecast, rtol: 0, atol: 1e-4));
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    /// <summary>The bench's NumPy / SciPy reference computes the same network: on the same weights and series its driven run's
    /// error equals ours (float64 there, float32 here), and it is far below the error of a network that learnt nothing.</summary>
    [Fact]
    public void The_numpy_reference_fits_the_same_network()
    {
        Interop.PythonTorch.Require();
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small with { LeakRate = 0.5, Ridge = 1e-6 }, 3, seed: 4);
        Tensor series = TestSeries.Standardised(TestSeries.Lorenz(1201)).to(ScalarType.Float32);
        Tensor trainX = series[..600], trainY = series[1..601], runX = series[600..1200], runY = series[601..];
        network.Fit(trainX, trainY);
        double ours = (network.Predict(runX) - runY).square().mean().item<float>();
        var reference = NumPyEchoStateReference.Measure(network, trainX, trainY, runX, runY);
        output.WriteLine($"run MSE: ours {ours:G4}, NumPy {reference.RunMeanSquaredError:G4}; NumPy fit {reference.FitSeconds:F3} s, run {reference.RunSeconds:F3} s");
        double variance = runY.var().item<float>();                                         // what a readout of zeros would miss
        Assert.True(ours < 0.01 * variance, $"our run MSE {ours:G3} against the targets' variance {variance:G3}");
        Assert.Equal(ours, reference.RunMeanSquaredError, ours * 0.02);
    }

    [Fact]
    public void The_ridge_solve_recovers_a_linear_map_exactly()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        Tensor features = randn([400, 25], dtype: ScalarType.Float64, generator: generator);
        Tensor map = randn([4, 25], dtype: ScalarType.Float64, generator: generator);
        Tensor weights = RidgeReadout.Solve(features, features.matmul(map.T), ridge: 0);
        Assert.True((weights - map).abs().max().item<double>() < 1e-10);
    }

    /// <summary>Targets that are a fixed linear map of the network's own features <c>[1; u; x]</c> are fitted with that map, to 1e-6.</summary>
    [Fact]
    public void The_readout_recovers_a_linear_map_of_the_reservoir_features()
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small with { Ridge = 0 }, 3, seed: 4);
        Tensor inputs = TestSeries.Standardised(TestSeries.Lorenz(1500));
        using var generator = new Generator(5);
        Tensor map = randn([2, network.FeatureSize], dtype: ScalarType.Float64, generator: generator);   // (2, 1 + 3 + 60)
        Tensor targets = network.Features(inputs, network.Harvest(inputs)).to(ScalarType.Float64).matmul(map.T);

        Tensor readout = network.Fit(inputs, targets);

        double error = (readout - map).abs().max().item<double>();
        output.WriteLine($"largest weight error {error:E2}");
        Assert.True(error < 1e-6, $"largest weight error {error:E2}");
    }

    /// <summary>Pathak et al.'s features: <c>x_i²</c> on even units, <c>x_i</c> on odd ones, after <c>[1; u]</c>.</summary>
    [Fact]
    public void Squared_even_features_square_the_even_units_only()
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small with { ReadoutFeatures = ReadoutFeatures.SquaredEven }, 3, seed: 2);
        Tensor inputs = tensor(new float[] { 0.5f, -1, 2, 1, 0, -0.5f }).reshape(2, 3);
        Tensor states = network.Harvest(inputs);
        Tensor features = network.Features(inputs, states);                                   // (2, 1 + 3 + 60)
        Assert.Equal(1 + 3 + 60, features.shape[1]);
        Assert.True(Same(features[.., 1..4], inputs));
        for (int i = 0; i < 60; i++)
        {
            Tensor expected = i % 2 == 0 ? states[.., i].square() : states[.., i];
            Assert.True(features[.., 4 + i].allclose(expected, rtol: 1e-6, atol: 1e-7), $"unit {i}");
        }
    }

    /// <summary>The fit's in-place feature harvest equals the features of the harvested states, washout dropped, in both modes.</summary>
    [Theory]
    [InlineData(ReadoutFeatures.Linear, true)]
    [InlineData(ReadoutFeatures.SquaredEven, true)]
    [InlineData(ReadoutFeatures.SquaredEven, false)]
    public void Harvested_features_equal_the_features_of_the_harvested_states(ReadoutFeatures kind, bool readoutInput)
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small with { ReadoutFeatures = kind, ReadoutInput = readoutInput }, 3, seed: 3);
        Tensor inputs = TestSeries.Standardised(TestSeries.Lorenz(300));
        Tensor expected = network.Features(inputs, network.Harvest(inputs))[25..];
        Tensor harvested = network.HarvestFeatures(inputs, skip: 25);
        Assert.Equal(expected.shape, harvested.shape);
        Assert.True(Same(harvested, expected));
    }

    /// <summary>The kernel writes each block into one reused tensor: blocks of 64 rows (the last one shorter), copied as they come,
    /// join into the features of one pass.</summary>
    [Fact]
    public void Feature_blocks_written_into_one_reused_tensor_join_into_the_whole_harvest()
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small, 3, seed: 5);
        Tensor inputs = TestSeries.Standardised(TestSeries.Lorenz(300));
        var blocks = new List<Tensor>();
        var firsts = new List<long>();
        network.HarvestFeatureBlocks(inputs, skip: 25, blockRows: 64, (block, first) => { blocks.Add(block.clone().MoveToOuterDisposeScope()); firsts.Add(first); });
        Assert.Equal([0L, 64, 128, 192, 256], firsts);
        Assert.Equal(275 - 256, blocks[^1].shape[0]);
        Assert.True(Same(cat(blocks, 0), network.HarvestFeatures(inputs, skip: 25)));
    }

    /// <summary>The driven run reads out each step as it goes; it equals the features of the harvested states times the readout.</summary>
    [Fact]
    public void Predict_equals_the_readout_of_the_harvested_features()
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small with { ReadoutFeatures = ReadoutFeatures.SquaredEven }, 3, seed: 4);
        Tensor inputs = TestSeries.Standardised(TestSeries.Lorenz(400));
        network.FitForecaster(inputs);
        Tensor expected = network.Features(inputs, network.Harvest(inputs)).to(ScalarType.Float64).matmul(network.Readout!.T);  // (T, 3)
        double error = (network.Predict(inputs).to(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(error < 1e-4, $"largest difference {error:E2}");
    }

    /// <summary>Only the Gram's lower triangle is multiplied out, in column strips of 256, then mirrored: it equals <c>Fᵀ F</c>.</summary>
    [Fact]
    public void The_normal_equations_equal_the_full_products()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9);
        Tensor features = randn([9000, 600], dtype: ScalarType.Float64, generator: generator);   // two row blocks, three column strips
        Tensor targets = randn([9000, 2], dtype: ScalarType.Float64, generator: generator);
        var (gram, moments) = RidgeReadout.NormalEquations(features.to(ScalarType.Float32), targets);
        Tensor f = features.to(ScalarType.Float32).to(ScalarType.Float64);
        Assert.True((gram - f.T.matmul(f)).abs().max().item<double>() < 1e-8);
        Assert.True((moments - f.T.matmul(targets)).abs().max().item<double>() < 1e-8);
        Assert.True(Same(gram, gram.T));
    }

    /// <summary>Targets that are a fixed linear map of the squared-even features are fitted with that map.</summary>
    [Fact]
    public void The_readout_recovers_a_linear_map_of_the_squared_even_features()
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small with { Ridge = 0, ReadoutFeatures = ReadoutFeatures.SquaredEven }, 3, seed: 4);
        Tensor inputs = TestSeries.Standardised(TestSeries.Lorenz(1500));
        using var generator = new Generator(5);
        Tensor map = randn([2, network.FeatureSize], dtype: ScalarType.Float64, generator: generator);
        Tensor targets = network.Features(inputs, network.Harvest(inputs)).to(ScalarType.Float64).matmul(map.T);
        double error = (network.Fit(inputs, targets) - map).abs().max().item<double>();
        output.WriteLine($"largest weight error {error:E2}");
        Assert.True(error < 1e-5, $"largest weight error {error:E2}");
    }

    [Fact]
    public void A_short_lorenz_forecast_beats_persistence()
    {
        using var scope = NewDisposeScope();
        Tensor series = TestSeries.Standardised(TestSeries.Lorenz(6000));
        Tensor train = series[..5000], truth = series[5000..5100];
        using var network = new EchoStateNetwork(new EchoStateOptions { Units = 300, SpectralRadius = 0.9, Connectivity = 0.1, InputScaling = 0.5, Ridge = 1e-6 }, 3, seed: 6);
        network.FitForecaster(train);

        Tensor forecast = network.Forecast(train, 100).to(ScalarType.Float64);
        double esn = (forecast - truth).square().mean().item<double>();
        double persistence = (train[-1] - truth).square().mean().item<double>();
        int valid = ValidPredictionTime.Steps(truth, forecast);
        output.WriteLine($"forecast MSE {esn:E2}, persistence MSE {persistence:E2}, valid for {valid} steps ({valid * 0.01 * TestSeries.LorenzLargestExponent:F2} Lyapunov times)");
        Assert.True(esn < 0.01 * persistence, $"ESN {esn:E2} vs persistence {persistence:E2}");
        Assert.True(valid >= 50, $"valid for {valid} steps");
    }

    [Fact]
    public void Forecasting_before_fitting_is_refused()
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small, 3, seed: 1);
        Assert.Throws<InvalidOperationException>(() => network.Forecast(zeros(5, 3), 3));
    }

    public static TheoryData<EchoStateOptions, string> BadOptions => new()
    {
        { new EchoStateOptions { Units = 0 }, "model.units" },
        { new EchoStateOptions { SpectralRadius = 0 }, "model.spectral_radius" },
        { new EchoStateOptions { Connectivity = 0 }, "model.connectivity" },
        { new EchoStateOptions { Connectivity = 1.5 }, "model.connectivity" },
        { new EchoStateOptions { LeakRate = 0 }, "model.leak_rate" },
        { new EchoStateOptions { InputScaling = -1 }, "model.input_scaling" },
        { new EchoStateOptions { BiasScaling = double.NaN }, "model.bias_scaling" },
        { new EchoStateOptions { Ridge = -1e-3 }, "model.ridge" },
        { new EchoStateOptions { Washout = -1 }, "model.washout" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void A_bad_option_is_refused_naming_its_key(EchoStateOptions options, string key) =>
        Assert.StartsWith(key + ":", Assert.Throws<UserInputException>(() => options.Validate()).Message);

    [Fact]
    public void A_washout_longer_than_the_series_is_refused_naming_the_key()
    {
        using var scope = NewDisposeScope();
        using var network = new EchoStateNetwork(Small with { Washout = 50 }, 3, seed: 1);
        Assert.StartsWith("model.washout:", Assert.Throws<UserInputException>(() => network.FitForecaster(zeros(40, 3))).Message);
    }
}
