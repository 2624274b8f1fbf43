public class Script : ScriptBase
{
}
