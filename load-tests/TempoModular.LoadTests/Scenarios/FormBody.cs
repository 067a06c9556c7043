using System.Text;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>
/// An application/x-www-form-urlencoded body encoded once; each request wraps
/// the same bytes, so the hot loop neither encodes nor copies.
/// </summary>
internal sealed class FormBody
{
    private readonly byte[] _bytes;

    private FormBody(byte[] bytes) => _bytes = bytes;

    public static FormBody Of(params ReadOnlySpan<(string Name, string Value)> fields)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }

            text.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return new FormBody(Encoding.ASCII.GetBytes(text.ToString()));
    }

    public HttpContent ToContent()
    {
        var content = new ByteArrayContent(_bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        return content;
    }

    public HttpRequestMessage Post(Uri endpoint) => new(HttpMethod.Post, endpoint) { Content = ToContent() };

    public override string ToString() => Encoding.ASCII.GetString(_bytes);
}
