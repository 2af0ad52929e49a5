using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Tests.Runtime;

public class TorchSharpLoadTests
{
    [Fact]
    public void A_tensor_is_created_and_a_gradient_flows_through_backward()
    {
        using var x = tensor(new float[] { 1f, 2f, 3f }, requires_grad: true);
        using var y = (x * x).sum(); // y = sum x^2, dy/dx = 2x
        y.backward();
        Assert.Equal(new float[] { 2f, 4f, 6f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Adam_takes_a_step_that_lowers_a_quadratic_loss()
    {
        var w = nn.Parameter(ones(4));
        var optimizer = optim.Adam([w], lr: 0.1);
        float before = (w * w).sum().item<float>();
        for (int step = 0; step < 5; step++)
        {
            optimizer.zero_grad();
            using var loss = (w * w).sum();
            loss.backward();
            optimizer.step();
        }
        Assert.True((w * w).sum().item<float>() < before);
    }
}
