// Part of the connector's custom code: build joins templates/script/ into script.csx.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

public partial class Script
{
    // ---- Authentication -----------------------------------------------------------------

    // Same rules as customcode.normalize_auth. Header names compare case-insensitively; a
    // header given more than once counts as its values joined by ", ".
    // 1. The four private headers always go: kintone must never see a password in clear.
    // 2. A token header whose values are all empty or whitespace (space, tab) goes.
    // 3. A user name sets X-Cybozu-Authorization and drops the token: kintone prefers the
    //    password anyway, and both only confuse.
    // 4. A Basic user name sets Authorization unless the request has one: OAuth's Bearer token
    //    wins, as kintone cannot take both in one header.
    // New headers are added after the others (X-Cybozu-Authorization, then Authorization);
    // .NET's header collection does not promise an order, so order is not compared.
    internal static void NormalizeAuth(HttpRequestMessage request)
    {
        string username = TakeHeader(request, UsernameHeader);
        string password = TakeHeader(request, PasswordHeader);
        string basicUsername = TakeHeader(request, BasicUsernameHeader);
        string basicPassword = TakeHeader(request, BasicPasswordHeader);
        IEnumerable<string> tokens;
        if (request.Headers.TryGetValues(TokenHeader, out tokens) && tokens.All(t => t.Trim(' ', '\t').Length == 0))
        {
            request.Headers.Remove(TokenHeader);
        }
        if (username.Length > 0)
        {
            request.Headers.Remove(TokenHeader);
            request.Headers.Remove(CybozuAuthorization);
            request.Headers.TryAddWithoutValidation(CybozuAuthorization, Base64Pair(username, password));
        }
        if (basicUsername.Length > 0 && !request.Headers.Contains("Authorization"))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Base64Pair(basicUsername, basicPassword));
        }
    }

    // The values of a header joined by ", " ("" when absent); the header is removed.
    private static string TakeHeader(HttpRequestMessage request, string name)
    {
        IEnumerable<string> values;
        if (!request.Headers.TryGetValues(name, out values))
        {
            return "";
        }
        request.Headers.Remove(name);
        return string.Join(", ", values);
    }

    internal static string Base64Pair(string user, string password)
    {
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
    }
}
