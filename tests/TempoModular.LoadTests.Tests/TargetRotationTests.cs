using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Tests;

public sealed class TargetRotationTests
{
    private static readonly TargetEndpoints A = new(new Uri("http://127.0.0.1:5080"), 0), B = new(new Uri("http://127.0.0.1:5081"), 1);

    [Fact]
    public void Each_user_alternates_hosts_from_one_iteration_to_the_next_and_users_start_on_different_hosts()
    {
        var rotation = new TargetRotation([A, B]);

        Assert.Equal([A, B, A, B], Enumerable.Range(0, 4).Select(i => rotation.For(user: 0, iteration: i)));
        Assert.Equal([B, A, B, A], Enumerable.Range(0, 4).Select(i => rotation.For(user: 1, iteration: i)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(32)]
    public void Every_host_gets_an_even_share_of_the_iterations_whatever_the_number_of_users(int users)
    {
        var c = new TargetEndpoints(new Uri("http://127.0.0.1:5082"), 2);
        var rotation = new TargetRotation([A, B, c]);

        var shares = Enumerable.Range(0, users)
            .SelectMany(user => Enumerable.Range(0, 30).Select(iteration => rotation.For(user, iteration)))
            .GroupBy(t => t.Index).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal([10 * users, 10 * users, 10 * users], shares.OrderBy(s => s.Key).Select(s => s.Value));
    }

    [Fact]
    public void A_host_taken_out_of_service_gets_no_more_iterations_and_can_be_put_back()
    {
        var rotation = new TargetRotation([A, B]);

        rotation.TakeOut(A);

        Assert.All(Enumerable.Range(0, 10), i => Assert.Same(B, rotation.For(i % 3, i)));
        Assert.Same(B, rotation.After(B));
        rotation.PutBack(A);
        Assert.Equal([A, B], rotation.InService);
    }

    [Fact]
    public void The_host_after_one_is_the_next_in_service()
    {
        var rotation = new TargetRotation([A, B]);

        Assert.Same(B, rotation.After(A));
        Assert.Same(A, rotation.After(B));
    }

    [Fact]
    public void The_last_host_in_service_cannot_be_taken_out()
    {
        var rotation = new TargetRotation([A, B]);
        rotation.TakeOut(A);

        Assert.Contains("last host", Assert.Throws<InvalidOperationException>(() => rotation.TakeOut(B)).Message);
    }

    [Fact]
    public void A_target_is_labelled_by_host_port_and_path()
    {
        Assert.Equal("127.0.0.1:5080", A.Label);
        Assert.Equal("tempo.example/base", new TargetEndpoints(new Uri("https://tempo.example/base/")).Label);
        Assert.Equal(new Uri("http://127.0.0.1:5081/oauth/token"), B.Token);
    }
}
