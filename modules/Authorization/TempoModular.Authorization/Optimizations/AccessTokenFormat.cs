using System.Buffers;
using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace TempoModular.Authorization.Optimizations;

/// <summary>
/// Writes and reads the one token shape this server issues most: an access
/// token, a JWS compact serialization signed with the server's HMAC-SHA256 key
/// (RFC 7515, RFC 9068 "at+jwt"). It produces the same claims as OpenIddict's
/// IdentityModel-based writer and yields the same principal as its reader, at a
/// fraction of the cost: profiling showed JsonWebTokenHandler's token writing
/// and validation, with their growing JSON buffers and claim cloning, among the
/// largest costs of a token request and of every API call.
/// <para>
/// Anything outside that shape (other token types, claims that are not strings,
/// a signature or issuer that does not check out) is declined, not rejected: the
/// caller then leaves the token to OpenIddict's own handlers, which judge it and
/// word any error exactly as before.
/// </para>
/// </summary>
internal sealed class AccessTokenFormat
{
    private const string JwtType = "at+jwt";

    // An HMAC-SHA256 signature in unpadded base64url.
    private const int SignatureChars = 43;

    // OpenIddict keeps these private claims out of the JWT (it writes them as the
    // registered iss/exp/iat/aud/scope claims instead).
    // The registered claims this format writes itself are omitted too: a
    // principal rebuilt from a code or refresh token carries "iss" (and may carry
    // the others) as plain claims, and a claim name must appear once (RFC 7519 §4).
    private static readonly HashSet<string> OmittedClaims = new(StringComparer.Ordinal)
    {
        Claims.Private.CreationDate, Claims.Private.ExpirationDate, Claims.Private.Issuer,
        Claims.Private.TokenType, Claims.Private.Audience, Claims.Private.Scope,
        Claims.Issuer, Claims.ExpiresAt, Claims.IssuedAt, Claims.Audience, Claims.Scope, Claims.JwtId,
    };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The payload is base64url-encoded, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly byte[] _key;
    private readonly byte[] _header;
    private readonly string _headerSegment;

    public AccessTokenFormat(SymmetricSecurityKey signingKey)
    {
        SigningKey = signingKey;
        _key = signingKey.Key;
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["alg"] = SecurityAlgorithms.HmacSha256,
            ["kid"] = signingKey.KeyId,
            ["typ"] = JwtType,
        }, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _headerSegment = Base64Url.EncodeToString(header);
        _header = Encoding.ASCII.GetBytes(_headerSegment + ".");
    }

    /// <summary>The key this format signs and verifies with.</summary>
    public SymmetricSecurityKey SigningKey { get; }

    /// <summary>The access token for a principal OpenIddict prepared, or null when its claims are not all plain strings.</summary>
    public string? TryWrite(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity identity)
        {
            return null;
        }

        var claims = identity.Claims.ToList();
        if (!claims.TrueForAll(IsWritable))
        {
            return null;
        }

        var payload = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        payload.ResetWrittenCount();
        var json = t_writer ??= new Utf8JsonWriter(payload, WriterOptions);
        json.Reset(payload);

        json.WriteStartObject();
        if (principal.GetClaim(Claims.Private.Issuer) is { } issuer)
        {
            json.WriteString(Claims.Issuer, issuer);
        }

        if (principal.GetExpirationDate() is { } expires)
        {
            json.WriteNumber(Claims.ExpiresAt, expires.ToUnixTimeSeconds());
        }

        if (principal.GetCreationDate() is { } created)
        {
            json.WriteNumber(Claims.IssuedAt, created.ToUnixTimeSeconds());
        }

        var audiences = principal.GetAudiences();
        if (audiences.Length == 1)
        {
            json.WriteString(Claims.Audience, audiences[0]);
        }
        else if (audiences.Length > 1)
        {
            WriteArray(json, Claims.Audience, audiences);
        }

        var scopes = principal.GetScopes();
        if (scopes.Length > 0)
        {
            json.WriteString(Claims.Scope, string.Join(' ', scopes));
        }

        // A random jti, separate from the entry id, as OpenIddict writes (RFC 9068 §2.2).
        Span<char> jti = stackalloc char[36];
        Guid.NewGuid().TryFormat(jti, out _);
        json.WriteString(Claims.JwtId, jti);

        WriteClaims(json, claims);
        json.WriteEndObject();
        json.Flush();

        return Sign(payload.WrittenSpan);
    }

    /// <summary>
    /// The principal of one of our access tokens whose signature, type and issuer
    /// check out, shaped as IdentityModel would build it; null to leave the token to
    /// OpenIddict (not ours, tampered with, or not in the shape <see cref="TryWrite"/> writes).
    /// </summary>
    public ClaimsPrincipal? TryRead(ReadOnlySpan<char> token, TokenValidationParameters parameters)
    {
        if (!token.StartsWith(_headerSegment, StringComparison.Ordinal) || token.Length <= _header.Length
            || token[_headerSegment.Length] != '.'
            || (parameters.ValidTypes is { } types && !types.Contains(JwtType)))
        {
            return null;
        }

        var signatureDot = token.LastIndexOf('.');
        if (signatureDot <= _headerSegment.Length || !HasValidSignature(token, signatureDot))
        {
            return null;
        }

        if (RentDecoded(token.Slice(_header.Length, signatureDot - _header.Length), out var written) is not { } rented)
        {
            return null;
        }

        try
        {
            var identity = ReadClaims(rented.AsSpan(0, written), parameters);
            return identity is null ? null : new ClaimsPrincipal(identity).SetTokenType(TokenTypeIdentifiers.AccessToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The token entry id (<c>oi_tkn_id</c>) a JWS compact token's payload names,
    /// read without checking anything: only a hint of which entry to fetch early.
    /// Null for anything else (a refresh token, a malformed string, no such claim).
    /// </summary>
    public static string? PeekEntryId(string token)
    {
        var first = token.IndexOf('.');
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (second < 0 || token.IndexOf('.', second + 1) >= 0)
        {
            return null;
        }

        if (RentDecoded(token.AsSpan(first + 1, second - first - 1), out var written) is not { } rented)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(rented.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEntryId = reader.ValueTextEquals(Claims.Private.TokenId);
                reader.Read();
                if (isEntryId)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            // Not JSON: not a token of ours, so nothing to fetch early.
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // A base64url segment decoded into a pooled buffer, which the caller returns
    // to the pool; null (nothing rented) when the segment is not base64url.
    private static byte[]? RentDecoded(ReadOnlySpan<char> encoded, out int written)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        if (Base64Url.DecodeFromChars(encoded, rented, out _, out written) == OperationStatus.Done)
        {
            return rented;
        }

        ArrayPool<byte>.Shared.Return(rented);
        return null;
    }

    private static bool IsWritable(Claim claim) =>
        OmittedClaims.Contains(claim.Type) || claim.ValueType == ClaimValueTypes.String;

    // Claims of one type become one string, or an array when there are several,
    // in the order they first appear (as IdentityModel writes them).
    private static void WriteClaims(Utf8JsonWriter json, List<Claim> claims)
    {
        for (var i = 0; i < claims.Count; i++)
        {
            var type = claims[i].Type;
            if (OmittedClaims.Contains(type) || FirstIndexOf(claims, type) != i)
            {
                continue;
            }

            var count = 0;
            for (var j = i; j < claims.Count; j++)
            {
                count += claims[j].Type == type ? 1 : 0;
            }

            if (count == 1)
            {
                json.WriteString(type, claims[i].Value);
                continue;
            }

            json.WriteStartArray(type);
            for (var j = i; j < claims.Count; j++)
            {
                if (claims[j].Type == type)
                {
                    json.WriteStringValue(claims[j].Value);
                }
            }

            json.WriteEndArray();
        }
    }

    private static int FirstIndexOf(List<Claim> claims, string type)
    {
        for (var i = 0; i < claims.Count; i++)
        {
            if (claims[i].Type == type)
            {
                return i;
            }
        }

        return -1;
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private string Sign(ReadOnlySpan<byte> payload)
    {
        var length = _header.Length + Base64Url.GetEncodedLength(payload.Length) + 1 + Base64Url.GetEncodedLength(HMACSHA256.HashSizeInBytes);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var token = rented.AsSpan(0, length);
            _header.CopyTo(token);
            var signed = _header.Length + Base64Url.EncodeToUtf8(payload, token[_header.Length..]);
            token[signed] = (byte)'.';

            Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, token[..signed], signature);
            Base64Url.EncodeToUtf8(signature, token[(signed + 1)..]);
            return Encoding.ASCII.GetString(token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private bool HasValidSignature(ReadOnlySpan<char> token, int signatureDot)
    {
        // Only the one canonical encoding: the decoder would also take a '=' pad,
        // whitespace or set spare bits, and a token must have exactly one spelling.
        var encoded = token[(signatureDot + 1)..];
        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<char> canonical = stackalloc char[SignatureChars];
        if (encoded.Length != SignatureChars
            || Base64Url.DecodeFromChars(encoded, presented, out _, out var written) != OperationStatus.Done || written != presented.Length
            || Base64Url.EncodeToChars(presented, canonical) != SignatureChars || !canonical.SequenceEqual(encoded))
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(signatureDot);
        try
        {
            // Base64url text is ASCII; anything else is not our token (and would
            // be encoded as '?', so it must be refused before encoding).
            if (!Ascii.IsValid(token[..signatureDot]))
            {
                return false;
            }

            Encoding.ASCII.GetBytes(token[..signatureDot], rented);

            Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, rented.AsSpan(0, signatureDot), expected);
            return CryptographicOperations.FixedTimeEquals(expected, presented);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ClaimsIdentity? ReadClaims(ReadOnlySpan<byte> payload, TokenValidationParameters parameters)
    {
        var claims = new List<(string Type, string Value, string ValueType)>(12);
        string? issuer = null;
        var reader = new Utf8JsonReader(payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var type = reader.GetString()!;
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    var value = reader.GetString()!;
                    claims.Add((type, value, ClaimValueTypes.String));
                    issuer = type == Claims.Issuer ? value : issuer;
                    break;
                case JsonTokenType.Number when reader.TryGetInt64(out var number):
                    // As IdentityModel types them (exp, iat and nbf are the only numbers written).
                    claims.Add((type, number.ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
                    break;
                case JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        claims.Add((type, reader.GetString()!, ClaimValueTypes.String));
                    }

                    if (reader.TokenType != JsonTokenType.EndArray)
                    {
                        return null;
                    }

                    break;
                default:
                    return null;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || issuer is null
            || (parameters.ValidateIssuer && !(parameters.ValidIssuers?.Contains(issuer) ?? false) && parameters.ValidIssuer != issuer))
        {
            return null;
        }

        var identity = new ListedClaimsIdentity(parameters.AuthenticationType ?? "AuthenticationTypes.Federation", parameters.NameClaimType, parameters.RoleClaimType);
        foreach (var (type, value, valueType) in claims)
        {
            identity.AddClaim(new Claim(type, value, valueType, issuer, issuer, identity));
        }

        return identity;
    }
}
