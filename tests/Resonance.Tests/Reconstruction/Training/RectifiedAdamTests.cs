using Resonance.Reconstruction;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Training;

[NoCollections]
public class RectifiedAdamTests
{
    [Fact]
    public void A_constant_gradient_moves_by_lr_until_rho_exceeds_5_then_by_lr_times_the_rectification()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(zeros(1));
        using var optimizer = new RectifiedAdam([parameter]);
        const double lr = 0.1, beta2 = 0.999;
        double expected = 0, rhoInfinity = 2 / (1 - beta2) - 1;
        for (int t = 1; t <= 8; t++)
        {
            optimizer.ZeroGrad();
            (parameter * 1).sum().backward();                                                      // g = 1: m̂ = 1, v = 1 − β₂^t
            optimizer.Step(lr);
            double rho = rhoInfinity - 2 * t * Math.Pow(beta2, t) / (1 - Math.Pow(beta2, t));
            double rectification = Math.Sqrt((rho - 4) * (rho - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho));
            expected -= rho > 5 ? lr * rectification : lr;
            Assert.Equal(expected, parameter.item<float>(), 5);
        }
        Assert.True(expected > -0.8 + 1e-3, "the rectified steps (t = 6, 7, 8) are shorter than lr");
    }
}
