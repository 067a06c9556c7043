using System.Security.Claims;
using OpenIddict.Abstractions;
using TempoModular.Authorization.Optimizations;

namespace TempoModular.Authorization.Tests;

public sealed class ListedClaimsIdentityTests
{
    private static (ClaimsIdentity Stock, ClaimsIdentity Listed) Both()
    {
        var stock = new ClaimsIdentity("test", "name", "role");
        var listed = new ListedClaimsIdentity("test", "name", "role");
        foreach (var identity in new[] { stock, listed })
        {
            identity.AddClaim(new Claim("sub", "client-1"));
            identity.AddClaim(new Claim("scope", "read"));
            identity.AddClaim(new Claim("Scope", "write"));
            identity.AddClaim(new Claim("oi_prst", "client-1"));
            identity.AddClaim(new Claim("scope", "read"));
        }

        return (stock, listed);
    }

    [Theory]
    [InlineData("scope")]
    [InlineData("SCOPE")]
    [InlineData("sub")]
    [InlineData("missing")]
    public void Finds_the_claims_the_base_class_finds_in_the_same_order(string type)
    {
        var (stock, listed) = Both();
        Assert.Equal(stock.FindAll(type).Select(c => $"{c.Type}={c.Value}"), listed.FindAll(type).Select(c => $"{c.Type}={c.Value}"));
        Assert.All(listed.FindAll(type), claim => Assert.Same(listed, claim.Subject));
    }

    [Fact]
    public void OpenIddict_reads_and_changes_it_as_it_does_a_stock_identity()
    {
        var (stock, listed) = Both();
        foreach (var principal in new[] { new ClaimsPrincipal(stock), new ClaimsPrincipal(listed) })
        {
            Assert.Equal("client-1", principal.GetClaim("sub"));
            Assert.Equal(new[] { "read", "write" }, principal.GetClaims("scope").AsEnumerable());
            Assert.True(principal.HasClaim("oi_prst"));
            principal.RemoveClaims("scope");
            Assert.False(principal.HasClaim("scope"));
            Assert.Equal(["sub", "oi_prst"], principal.Claims.Select(c => c.Type));
        }
    }

    [Fact]
    public void A_clone_keeps_the_type_and_none_of_its_changes_reach_the_original()
    {
        var (_, listed) = Both();
        var clone = new ClaimsPrincipal(listed).Clone(claim => claim.Type != "oi_prst");

        var identity = Assert.IsType<ListedClaimsIdentity>(clone.Identity);
        Assert.Equal(["sub", "scope", "Scope", "scope"], identity.Claims.Select(c => c.Type));
        Assert.Equal(("test", "name", "role"), (identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType));
        identity.RemoveClaims("sub");
        Assert.Single(listed.FindAll("sub"));
        Assert.Empty(identity.FindAll("sub"));
    }
}
