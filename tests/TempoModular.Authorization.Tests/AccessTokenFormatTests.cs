using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using TempoModular.Authorization.Optimizations;
using Xunit;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// The fast access-token format must be indistinguishable from OpenIddict's
/// IdentityModel tokens where it matters: IdentityModel validates what it
/// writes, it reads what IdentityModel accepts into the same claims, and it
/// declines (leaves to OpenIddict) everything it should not vouch for. These
/// tests build the format themselves, so they hold in both modes of
/// Authorization:TokenPathOptimizations (with it off the hosts do not use it).
/// </summary>
public sealed class AccessTokenFormatTests
{
    private const string Issuer = "https://tempo.example/";
    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "hs-test" };
    private readonly AccessTokenFormat _format = new(Key);

    private static TokenValidationParameters Parameters(params string[] issuers) => new()
    {
        IssuerSigningKey = Key,
        ValidIssuers = issuers.Length == 0 ? [Issuer, Issuer[..^1]] : issuers,
        ValidateIssuer = true,
        ValidateAudience = false,
        ValidateLifetime = false,
        NameClaimType = Claims.Name,
        RoleClaimType = Claims.Role,
    };

    private static ClaimsPrincipal Principal(Action<ClaimsIdentity>? more = null)
    {
        var identity = new ClaimsIdentity("test", Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, "user-42");
        identity.SetClaim(Claims.Name, "Zoë O'Brien <admin> & co");
        identity.SetClaim(Claims.ClientId, "client-1");
        identity.SetClaim(Claims.Private.TokenId, "client-1.abc");
        more?.Invoke(identity);
        var principal = new ClaimsPrincipal(identity)
            .SetClaim(Claims.Private.Issuer, Issuer)
            .SetCreationDate(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000))
            .SetExpirationDate(DateTimeOffset.FromUnixTimeSeconds(1_800_003_600))
            .SetScopes("read", "write")
            .SetPresenters("client-1", "client-2")
            .SetAudiences("api")
            .SetTokenType(TokenTypeIdentifiers.AccessToken);
        return principal;
    }

    [Fact]
    public async Task IdentityModel_validates_what_it_writes_with_the_same_claims()
    {
        var token = _format.TryWrite(Principal());
        Assert.NotNull(token);

        var handler = new JsonWebTokenHandler();
        var parameters = Parameters();
        parameters.ValidTypes = ["at+jwt"];
        var result = await handler.ValidateTokenAsync(token, parameters);
        Assert.True(result.IsValid, result.Exception?.Message);

        var claims = result.ClaimsIdentity.Claims.ToLookup(c => c.Type, c => c.Value);
        Assert.Equal([Issuer], claims[Claims.Issuer]);
        Assert.Equal(["1800000000"], claims[Claims.IssuedAt]);
        Assert.Equal(["1800003600"], claims[Claims.ExpiresAt]);
        Assert.Equal(["read write"], claims[Claims.Scope]);
        Assert.Equal(["api"], claims[Claims.Audience]);
        Assert.Equal(["client-1", "client-2"], claims[Claims.Private.Presenter]);
        Assert.Equal(["Zoë O'Brien <admin> & co"], claims[Claims.Name]);
        Assert.Equal(["user-42"], claims[Claims.Subject]);
        Assert.Equal(["client-1.abc"], claims[Claims.Private.TokenId]);
        Assert.Single(claims[Claims.JwtId]);
        // Private claims OpenIddict maps to registered ones stay out of the token.
        Assert.Empty(claims[Claims.Private.Scope]);
        Assert.Empty(claims[Claims.Private.ExpirationDate]);
        Assert.Empty(claims[Claims.Private.TokenType]);
    }

    [Fact]
    public async Task It_reads_tokens_into_the_claims_IdentityModel_reads()
    {
        var token = _format.TryWrite(Principal())!;
        var expected = (await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters())).ClaimsIdentity;

        var principal = _format.TryRead(token, Parameters());

        Assert.NotNull(principal);
        var read = (ClaimsIdentity)principal.Identity!;
        Assert.Equal(
            expected.Claims.Select(c => (c.Type, c.Value, c.ValueType, c.Issuer)).OrderBy(c => c.Type).ThenBy(c => c.Value),
            read.Claims.Where(c => c.Type != Claims.Private.TokenType).Select(c => (c.Type, c.Value, c.ValueType, c.Issuer)).OrderBy(c => c.Type).ThenBy(c => c.Value));
        Assert.Equal(TokenTypeIdentifiers.AccessToken, principal.GetTokenType());
        Assert.Equal(Claims.Name, read.NameClaimType);
        Assert.Equal("Zoë O'Brien <admin> & co", read.Name);
    }

    [Fact]
    public void Tampered_tokens_are_declined()
    {
        var token = _format.TryWrite(Principal())!;
        var parts = token.Split('.');
        var otherPayload = _format.TryWrite(Principal(i => i.SetClaim(Claims.Subject, "someone-else")))!.Split('.')[1];

        Assert.Null(_format.TryRead($"{parts[0]}.{otherPayload}.{parts[2]}", Parameters()));
        Assert.Null(_format.TryRead($"{parts[0]}.{parts[1]}.{parts[2][..^2]}AA", Parameters()));
        Assert.Null(_format.TryRead($"{parts[0]}.{parts[1]}.", Parameters()));
        Assert.Null(_format.TryRead($"{parts[0]}.{parts[1]}", Parameters()));
        Assert.Null(_format.TryRead(token + "x", Parameters()));
        Assert.Null(_format.TryRead(token.Replace(parts[0], parts[0] + "é"), Parameters()));
    }

    [Fact]
    public void Only_the_canonical_base64url_signature_is_accepted()
    {
        var token = _format.TryWrite(Principal())!;
        var dot = token.LastIndexOf('.');
        var signature = token[(dot + 1)..];
        // 43 characters carry 258 bits: the last one has two spare bits, which must be zero.
        var spareBitSet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".IndexOf(signature[^1]) | 1];

        Assert.NotNull(_format.TryRead(token, Parameters()));
        Assert.Null(_format.TryRead(token + "=", Parameters()));
        Assert.Null(_format.TryRead(token[..(dot + 10)] + "\t" + token[(dot + 10)..], Parameters()));
        Assert.Null(_format.TryRead(token[..(dot + 10)] + " " + token[(dot + 10)..], Parameters()));
        Assert.Null(_format.TryRead(token[..^1] + spareBitSet, Parameters()));
    }

    [Fact]
    public void Registered_claims_of_the_principal_are_written_once()
    {
        // A principal rebuilt from an authorization code carries iss, exp and iat as plain claims.
        var token = _format.TryWrite(Principal(i =>
        {
            i.AddClaim(new Claim(Claims.Issuer, Issuer));
            i.AddClaim(new Claim(Claims.Scope, "read"));
            i.AddClaim(new Claim(Claims.JwtId, "old"));
        }))!;

        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
        using var json = System.Text.Json.JsonDocument.Parse(payload);
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal(names.Distinct(), names);
        Assert.Equal(Issuer, json.RootElement.GetProperty(Claims.Issuer).GetString());
        Assert.Equal("read write", json.RootElement.GetProperty(Claims.Scope).GetString());
    }

    [Fact]
    public void Tokens_signed_with_another_key_are_declined()
    {
        var other = new AccessTokenFormat(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "hs-test" });
        var token = other.TryWrite(Principal())!;

        Assert.Null(_format.TryRead(token, Parameters()));
    }

    [Fact]
    public void Another_issuer_or_an_expected_type_other_than_access_token_is_declined()
    {
        var token = _format.TryWrite(Principal())!;

        Assert.Null(_format.TryRead(token, Parameters("https://elsewhere.example/")));
        var refreshOnly = Parameters();
        refreshOnly.ValidTypes = ["oi_reft+jwt"];
        Assert.Null(_format.TryRead(token, refreshOnly));
        Assert.NotNull(_format.TryRead(token, Parameters()));
    }

    [Fact]
    public void Principals_with_claims_that_are_not_strings_are_left_to_IdentityModel()
    {
        var principal = Principal(i => i.AddClaim(new Claim("age", "42", ClaimValueTypes.Integer)));

        Assert.Null(_format.TryWrite(principal));
    }

    [Fact]
    public void Every_token_has_its_own_jti()
    {
        var first = _format.TryRead(_format.TryWrite(Principal())!, Parameters())!;
        var second = _format.TryRead(_format.TryWrite(Principal())!, Parameters())!;

        Assert.NotEqual(first.GetClaim(Claims.JwtId), second.GetClaim(Claims.JwtId));
    }
}
