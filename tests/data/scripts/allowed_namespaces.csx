// Uses every namespace the platform allows (power-platform.md §3.6): all must compile here too.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Drawing;
using System.Drawing.Drawing2D;
using System.Drawing.Imaging;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using System.Web;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        this.Context.Logger.LogInformation("operation {Operation}", this.Context.OperationId);
        HttpResponseMessage response = await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        response.Headers.Add("X-Query", HttpUtility.UrlEncode("a b"));
        response.Headers.Add("X-Root", new XDocument(new XElement("root")).Root.Name.LocalName);
        using (MemoryStream buffer = new MemoryStream())
        using (ZipArchive zip = new ZipArchive(buffer, ZipArchiveMode.Create))
        using (SHA256 sha = SHA256.Create())
        {
            response.Headers.Add("X-Hash", Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes("x"))));
        }
        response.Headers.Add("X-Colour", Color.Red.Name + "," + SmoothingMode.AntiAlias + "," + ImageFormat.Png);
        response.Headers.Add("X-Json", JsonConvert.SerializeObject(new JObject { { "ok", true } }));
        response.Headers.Add("X-Match", Regex.IsMatch("abc", "b").ToString());
        return response;
    }
}
