using Resonance.Data;
using static TorchSharp.torch;

namespace Resonance.Tests.Data;

public class ImageCorruptionsTests
{
    const int Batch = 64, Side = 28;

    static Tensor Gray(double value = 0.5) => full(Batch, Side, Side, value);

    [Fact]
    public void Gaussian_noise_has_mean_zero_and_standard_deviation_sigma_and_stays_in_the_unit_interval()
    {
        using var scope = NewDisposeScope();
        Tensor clean = Gray();

        Tensor noisy = ImageCorruptions.Apply(clean, new Corruption(CorruptionKind.GaussianNoise, 0.1), seed: 1);
        Tensor strong = ImageCorruptions.Apply(clean, new Corruption(CorruptionKind.GaussianNoise, 2), seed: 1);

        // 50,176 pixels at 0.5 ± 0.1 (clipping at 5σ is negligible): the mean's standard error is 0.1/√50176 = 0.00045.
        Tensor difference = noisy - clean;
        Assert.InRange(difference.mean().item<float>(), -0.002, 0.002);
        Assert.InRange(difference.std().item<float>(), 0.098, 0.102);
        Assert.True(strong.min().item<float>() >= 0 && strong.max().item<float>() <= 1);
        Assert.Equal(0.5f, clean.max().item<float>());                                       // the input is left alone
    }

    [Fact]
    public void Salt_and_pepper_hits_a_fraction_p_of_the_pixels_half_white_half_black()
    {
        using var scope = NewDisposeScope();
        const double p = 0.17;

        Tensor hit = ImageCorruptions.Apply(Gray(), new Corruption(CorruptionKind.SaltAndPepper, p), seed: 2);

        double n = Batch * Side * Side, salt = hit.eq(1).sum().item<long>() / n, pepper = hit.eq(0).sum().item<long>() / n;
        double bound = 4 * Math.Sqrt(p / 2 * (1 - p / 2) / n);                               // 4 standard errors: 0.0050
        Assert.InRange(salt, p / 2 - bound, p / 2 + bound);
        Assert.InRange(pepper, p / 2 - bound, p / 2 + bound);
        Assert.Equal(n * (1 - salt - pepper), hit.eq(0.5).sum().item<long>(), 6);           // the rest untouched
    }

    [Theory]
    [InlineData(0.1, 9)]     // round(√0.1 · 28) = 9: 81 of 784 pixels, 10.3%
    [InlineData(0.25, 14)]
    [InlineData(0.5, 20)]    // round(19.8) = 20: 400 pixels, 51%
    public void Random_occlusion_zeroes_one_square_covering_the_fraction_at_a_position_per_image(double fraction, int side)
    {
        using var scope = NewDisposeScope();

        Tensor occluded = ImageCorruptions.Apply(ones(Batch, Side, Side), new Corruption(CorruptionKind.RandomOcclusion, fraction), seed: 3);

        Tensor zeros = occluded.eq(0);                                                          // (B, H, W)
        Assert.All(zeros.sum([1L, 2L]).data<long>().ToArray(), count => Assert.Equal(side * side, count));
        Tensor rows = zeros.any(2).sum(1), columns = zeros.any(1).sum(1);                      // a square: side rows and side columns
        Assert.True(rows.eq(side).all().item<bool>() && columns.eq(side).all().item<bool>());
        Tensor firstRow = zeros.any(2).to(ScalarType.Int64).argmax(1);
        Assert.True(firstRow.unique().Item1.shape[0] > 3, "the patch moves from image to image");
    }

    [Fact]
    public void Half_occlusion_zeroes_the_bottom_half_and_keeps_the_top()
    {
        using var scope = NewDisposeScope();
        Tensor half = ImageCorruptions.Apply(Gray(0.8), new Corruption(CorruptionKind.HalfOcclusion), seed: 4);

        Assert.True(half[.., ..14, ..].eq(0.8f).all().item<bool>());
        Assert.True(half[.., 14.., ..].eq(0).all().item<bool>());
    }

    [Theory]
    [InlineData(CorruptionKind.GaussianNoise, 0.3)]
    [InlineData(CorruptionKind.SaltAndPepper, 0.1)]
    [InlineData(CorruptionKind.RandomOcclusion, 0.3)]
    public void The_same_seed_gives_the_same_corruption_and_another_seed_another(CorruptionKind kind, double severity)
    {
        using var scope = NewDisposeScope();
        var corruption = new Corruption(kind, severity);
        Tensor images = Gray(0.6);

        Tensor first = ImageCorruptions.Apply(images, corruption, seed: 5);

        Assert.True(first.eq(ImageCorruptions.Apply(images, corruption, seed: 5)).all().item<bool>());
        Assert.False(first.eq(ImageCorruptions.Apply(images, corruption, seed: 6)).all().item<bool>());
    }

    [Theory]
    [InlineData(CorruptionKind.GaussianNoise, -0.1, "standard deviation")]
    [InlineData(CorruptionKind.SaltAndPepper, 1.5, "fraction of pixels")]
    [InlineData(CorruptionKind.RandomOcclusion, -0.2, "fraction of the image")]
    public void A_severity_out_of_range_is_refused_naming_the_key(CorruptionKind kind, double severity, string words)
    {
        var error = Assert.Throws<UserInputException>(() => ImageCorruptions.Apply(Gray(), new Corruption(kind, severity), seed: 0));
        Assert.StartsWith("corruption.severity:", error.Message);
        Assert.Contains(words, error.Message);
    }

    [Fact]
    public void Names_for_tables()
    {
        Assert.Equal("salt-and-pepper 0.17", new Corruption(CorruptionKind.SaltAndPepper, 0.17).ToString());
        Assert.Equal("half-occlusion", new Corruption(CorruptionKind.HalfOcclusion).ToString());
        Assert.Equal("clean", new Corruption(CorruptionKind.None).ToString());
    }
}
